namespace AcsFunctions.Records;

/// <summary>The strict JSON number grammar on UTF-8 text (for strings that are exactly a number).</summary>
internal static class JsonNumberText
{
    /// <summary>Strict JSON number grammar: <c>-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?</c>.</summary>
    public static bool IsJsonNumber(ReadOnlySpan<byte> text)
    {
        var i = 0;
        if (i < text.Length && text[i] == (byte)'-')
        {
            i++;
        }

        if (i >= text.Length || !char.IsAsciiDigit((char)text[i]))
        {
            return false;
        }

        i = text[i] == (byte)'0' ? i + 1 : SkipDigits(text, i);
        if (i < text.Length && text[i] == (byte)'.')
        {
            var start = ++i;
            if ((i = SkipDigits(text, i)) == start)
            {
                return false;
            }
        }

        if (i < text.Length && (text[i] == (byte)'e' || text[i] == (byte)'E'))
        {
            i++;
            if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
            {
                i++;
            }

            var start = i;
            if ((i = SkipDigits(text, i)) == start)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    /// <summary>True when every byte is an ASCII digit.</summary>
    public static bool IsDigits(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The index of the first byte at or after <paramref name="i"/> that is not an ASCII digit.</summary>
    private static int SkipDigits(ReadOnlySpan<byte> text, int i)
    {
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
        }

        return i;
    }
}
