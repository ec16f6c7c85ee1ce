using System.Reflection;
using System.Reflection.Emit;
using AcsFunctions.Storage;

namespace AcsFunctions.Tests.Architecture;

/// <summary>
/// Storage is below dispatch: the storage types know rows, keys and limits, never a handler's types. Checked on the
/// compiled code — signatures, fields, locals and every type, method and field the IL names — so a fully qualified
/// name or a <c>var</c> cannot hide a dependency the way it would from a look at the <c>using</c> lines.
/// </summary>
public sealed class StorageLayeringTests
{
    private static readonly Assembly Core = typeof(TableWriter).Assembly;

    [Fact]
    public void StorageTypes_ReferenceNoDispatchType()
    {
        var offending = TypesIn("AcsFunctions.Storage")
            .SelectMany(t => References(t).Where(r => InNamespace(r, "AcsFunctions.Dispatch")).Select(r => $"{t.FullName} -> {r.FullName}"))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.True(TypesIn("AcsFunctions.Storage").Count > 10, "the storage types were found");
        Assert.Empty(offending);
    }

    [Fact]
    public void TheScanner_SeesDispatchTypesWhereTheyAreUsed()
    {
        // The build-rows stage takes dispatch types in its signature; the record processor uses them in its body only
        // (locals and calls): both must be seen, or the test above could pass by seeing nothing.
        Assert.Contains(References(typeof(AcsFunctions.Ingestion.RecordRows)), r => InNamespace(r, "AcsFunctions.Dispatch"));
        var processor = Core.GetType("AcsFunctions.Ingestion.RecordProcessor", throwOnError: true)!;
        Assert.Contains(References(processor), r => r == typeof(AcsFunctions.Dispatch.Categories));
    }

    private static List<Type> TypesIn(string ns) =>
        [.. Core.GetTypes().Where(t => InNamespace(t, ns))];

    private static bool InNamespace(Type type, string ns) =>
        type.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal));

    /// <summary>Every type <paramref name="type"/> names: base, interfaces, members' signatures, locals and IL operands.</summary>
    private static HashSet<Type> References(Type type)
    {
        var found = new HashSet<Type>();
        Add(found, type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(found, i);
        }

        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var field in type.GetFields(all))
        {
            Add(found, field.FieldType);
        }

        foreach (var property in type.GetProperties(all))
        {
            Add(found, property.PropertyType);
        }

        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo m)
            {
                Add(found, m.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(found, parameter.ParameterType);
            }

            var body = method.GetMethodBody();
            if (body is null)
            {
                continue;
            }

            foreach (var local in body.LocalVariables)
            {
                Add(found, local.LocalType);
            }

            foreach (var member in IlOperands(method, body.GetILAsByteArray() ?? []))
            {
                switch (member)
                {
                    case Type t:
                        Add(found, t);
                        break;
                    case MethodBase callee:
                        Add(found, callee.DeclaringType);
                        if (callee is MethodInfo mi)
                        {
                            Add(found, mi.ReturnType);
                        }

                        foreach (var p in callee.GetParameters())
                        {
                            Add(found, p.ParameterType);
                        }

                        break;
                    case FieldInfo f:
                        Add(found, f.DeclaringType);
                        Add(found, f.FieldType);
                        break;
                }
            }
        }

        // Compiler-generated nested types (lambdas, async state machines) hold the bodies of their declaring type.
        foreach (var nested in type.GetNestedTypes(all))
        {
            found.UnionWith(References(nested));
        }

        return found;
    }

    private static void Add(HashSet<Type> found, Type? type)
    {
        if (type is null)
        {
            return;
        }

        if (type.HasElementType)
        {
            Add(found, type.GetElementType());
            return;
        }

        if (!found.Add(type) || !type.IsGenericType)
        {
            return;
        }

        foreach (var argument in type.GetGenericArguments())
        {
            Add(found, argument);
        }
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The members named by the metadata tokens of a method's IL.</summary>
    private static IEnumerable<MemberInfo> IlOperands(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[i++]));
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    var targets = BitConverter.ToInt32(il, i);
                    i += 4 + (4 * targets);
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, i);
                    i += 4;
                    yield return method.Module.ResolveMember(token, typeArguments, methodArguments)!;
                    break;
                default:
                    i += 4; // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
                    break;
            }
        }
    }
}
