using System.Text;
using AcsFunctions.Decoding;

namespace AcsFunctions.Generation;

/// <summary>
/// The damage <c>--malformed</c> does, each with the dead-letter reason it must produce: whole bodies cut short
/// (<c>invalid-json</c>), with an invalid UTF-8 byte in the middle of a record (<c>invalid-utf8</c>), with
/// <c>records</c> not an array or not a container at all; and single records inside an otherwise good body that
/// are not objects, lack their category, or carry an unreadable or out-of-range time.
/// </summary>
internal static class Malformations
{
    /// <summary>Breaks a whole body; returns the new bytes and the reason the decoder will give.</summary>
    public static (byte[] Data, string Reason) BreakBody(DeterministicRandom random, byte[] body, byte[] firstRecord)
    {
        switch (random.Next(4))
        {
            case 0:
                var cut = random.Next(Math.Max(1, body.Length / 4), Math.Max(2, body.Length * 3 / 4));
                return (body[..cut], DeadLetterReasons.InvalidJson);
            case 1:
                var at = LetterNear(body, body.Length / 2);
                var broken = new byte[body.Length + 1];
                body.AsSpan(0, at).CopyTo(broken);
                broken[at] = 0xFF;
                body.AsSpan(at).CopyTo(broken.AsSpan(at + 1));
                return (broken, DeadLetterReasons.InvalidUtf8);
            case 2:
                return ([.. "{\"records\":"u8, .. firstRecord, .. "}"u8], DeadLetterReasons.RecordsNotArray);
            default:
                return (Encoding.UTF8.GetBytes($"\"unexpected event payload {random.Hex(16)}\""), DeadLetterReasons.UnsupportedShape);
        }
    }

    /// <summary>Breaks one record; returns its new bytes and the reason the pipeline will give.</summary>
    public static (byte[] Data, string Reason) BreakRecord(DeterministicRandom random, byte[] record)
    {
        var text = Encoding.UTF8.GetString(record);
        switch (random.Next(4))
        {
            case 0:
                return (Encoding.UTF8.GetBytes(random.Chance(0.5) ? $"\"{random.Hex(24)}\"" : $"[{random.Next(1, 1_000_000)}]"), DeadLetterReasons.NotAnObject);
            case 1:
                return (Encoding.UTF8.GetBytes(RemoveMember(text, "category")), DeadLetterReasons.MissingCategory);
            case 2:
                return (Encoding.UTF8.GetBytes(ReplaceTime(text, $"sometime {random.Hex(8)}")), DeadLetterReasons.InvalidTime);
            default:
                var old = $"1600-{random.Next(1, 13):D2}-{random.Next(1, 29):D2}T{random.Next(0, 24):D2}:{random.Next(0, 60):D2}:00.{random.Next(0, 10_000_000):D7}Z";
                return (Encoding.UTF8.GetBytes(ReplaceTime(text, old)), DeadLetterReasons.TimeOutOfRange);
        }
    }

    private static int LetterNear(byte[] body, int start)
    {
        for (var i = start; i < body.Length; i++)
        {
            if (body[i] is >= (byte)'a' and <= (byte)'z')
            {
                return i;
            }
        }

        return start;
    }

    /// <summary>Removes the top-level string member <paramref name="name"/> (any casing; never the first member).</summary>
    private static string RemoveMember(string json, string name)
    {
        var start = MemberStart(json, name);
        var valueEnd = json.IndexOf('"', json.IndexOf('"', start + name.Length + 3) + 1);
        return json.Remove(start - 1, valueEnd - start + 2);
    }

    /// <summary>Replaces the value of the top-level <c>time</c> member (always the first member).</summary>
    private static string ReplaceTime(string json, string value)
    {
        var start = MemberStart(json, "time");
        var valueStart = json.IndexOf('"', start + "time".Length + 2) + 1;
        var valueEnd = json.IndexOf('"', valueStart);
        return string.Concat(json.AsSpan(0, valueStart), value, json.AsSpan(valueEnd));
    }

    private static int MemberStart(string json, string name)
    {
        var index = json.IndexOf("\"" + name + "\":", StringComparison.OrdinalIgnoreCase);
        return index >= 0 ? index : throw new InvalidOperationException($"The record has no '{name}' member: {json[..Math.Min(80, json.Length)]}");
    }
}
