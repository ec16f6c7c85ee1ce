using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// A byte array of any size up to the entity limit in binary columns: <c>&lt;Name&gt;</c> when it fits one
/// property (64 KiB), else <c>&lt;Name&gt;00</c>, <c>&lt;Name&gt;01</c>… with <c>&lt;Name&gt;Chunks</c>.
/// </summary>
public static class BinaryColumns
{
    /// <summary>Writes <paramref name="data"/> under <paramref name="name"/>.</summary>
    public static void Write(TableEntity entity, string name, byte[] data)
    {
        if (data.Length <= EntityLimits.MaxBinaryBytes)
        {
            entity[name] = data;
            return;
        }

        var chunks = (data.Length + EntityLimits.MaxBinaryBytes - 1) / EntityLimits.MaxBinaryBytes;
        for (var i = 0; i < chunks; i++)
        {
            var start = i * EntityLimits.MaxBinaryBytes;
            entity[$"{name}{i:D2}"] = data.AsSpan(start, Math.Min(EntityLimits.MaxBinaryBytes, data.Length - start)).ToArray();
        }

        entity[name + "Chunks"] = chunks;
    }

    /// <summary>Reads what <see cref="Write"/> wrote; null when absent.</summary>
    public static byte[]? Read(TableEntity entity, string name)
    {
        if (entity.GetBinary(name) is { } single)
        {
            return single;
        }

        if (entity.GetInt32(name + "Chunks") is not { } chunks)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            buffer.Write(entity.GetBinary($"{name}{i:D2}") ?? throw new FormatException($"Column {name}{i:D2} is missing."));
        }

        return buffer.ToArray();
    }
}
