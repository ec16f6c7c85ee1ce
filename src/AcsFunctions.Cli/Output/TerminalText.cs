using System.Globalization;
using System.Text;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>
/// Makes text from the data safe to print on a terminal: control characters (C0 such as ESC, DEL, C1) and the
/// Unicode bidirectional controls are shown as visible escapes (<c>\x1B</c>, <c>\n</c>, <c>\u202E</c>), so an
/// operation name holding an ANSI sequence cannot recolour the terminal, move the cursor or reorder what is shown.
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> with control characters escaped (no Spectre markup escaping).</summary>
    public static string Plain(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(c))
            {
                builder.Append(c);
                continue;
            }

            builder.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when c <= '\u00FF' => "\\x" + ((int)c).ToString("X2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
            });
        }

        return builder.ToString();
    }

    /// <summary><paramref name="text"/> escaped for a Spectre table cell or markup line: control characters, then markup.</summary>
    public static string Escape(string? text) => Markup.Escape(Plain(text));

    /// <summary>True for the characters <see cref="Plain"/> escapes.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
