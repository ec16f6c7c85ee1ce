using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace AcsFunctions.Decoding;

/// <summary>
/// Turns an event body into records. Accepts <c>{"records":[...]}</c>, a top-level array, a single record
/// object, and NDJSON (one record, or one body, per line — the storage-archive <c>PT1H.json</c> format).
/// Tolerates a UTF-8 BOM. A body that is not valid UTF-8 JSON is dead-lettered whole; in NDJSON each bad
/// line is dead-lettered on its own so its neighbours still go through.
/// </summary>
public static class BodyDecoder
{
    private static readonly JsonDocumentOptions _options = new() { MaxDepth = 64 };

    /// <summary>Decodes one body.</summary>
    public static DecodedBody Decode(EventBody body) => Decode(body, split: true);

    /// <summary>Decodes one body; without <paramref name="split"/> every body goes through its document (the reference, for tests).</summary>
    internal static DecodedBody Decode(EventBody body, bool split) => Decode(body, split, new DecodedBody());

    /// <summary>
    /// Decodes one body into <paramref name="result"/>, emptied first (its documents disposed): a caller that decodes
    /// body after body reuses one result, so its list of items grows once instead of once per body (issue 18).
    /// </summary>
    internal static DecodedBody Decode(EventBody body, DecodedBody result) => Decode(body, split: true, result);

    private static DecodedBody Decode(EventBody body, bool split, DecodedBody result)
    {
        result.Reset(body.SourceBodies);
        if (body.Unfinished is { } unfinished)
        {
            // The rest of a file's records container that broke part-way: one dead letter with the reason it broke. Decoded as a
            // body of its own, a record in it would be two levels shallower (and pass the depth limit), or its lines look like NDJSON.
            result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(DeadLetterReasons.InvalidJson, unfinished, body.Data, body.Lineage)));
            return result;
        }

        var data = Utf8Bom.Strip(body.Data);
        if (body.IsNdjson)
        {
            if (!IsOneLine(data.Span))
            {
                // Whole lines of a file already known to be NDJSON: each line is decided alone, so the counts do not depend on
                // where the file was cut into chunks (a chunk of blank lines holds no body, one of broken lines one per line).
                TryDecodeLines(data, body.Lineage, result, force: true);
                return result;
            }

            // A chunk of one line goes the usual way below, which counts it the same, as that line alone: without its line
            // end and the blank lines after it, as the line-by-line decoding takes it, so that a dead letter's payload (and
            // so its row) does not depend on where the chunk was cut either.
            var end = data.Span.IndexOf((byte)'\n');
            if (end >= 0)
            {
                data = data[..end];
                body = body with { Data = data };
            }
        }

        if (IsBlank(data.Span))
        {
            result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(DeadLetterReasons.EmptyBody, "The body is empty.", body.Data, body.Lineage)));
            return result;
        }

        if (!Utf8.IsValid(data.Span))
        {
            if (!TryDecodeLines(data, body.Lineage, result))
            {
                result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(
                    DeadLetterReasons.InvalidUtf8, "The body is not valid UTF-8.", body.Data, body.Lineage)));
            }

            return result;
        }

        // Most bodies are {"records":[…]} of objects: their records are split out by one reader scan (which validates
        // the body as the document parse would) and each is parsed once, by whoever processes it, instead of the body
        // being parsed into a document and a rewritten record again. Anything else — another shape, a record that is
        // not an object, a body the scan refuses — goes through the document below, which decides as before.
        if (split && TrySplit(data, body.Lineage, result))
        {
            return result;
        }

        if (TryParse(data, out var document, out var error))
        {
            AddDocument(document!, data, body.Lineage, result);
            return result;
        }

        // Not one JSON document: maybe NDJSON (several values, one per line).
        if (!TryDecodeLines(data, body.Lineage, result))
        {
            result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(
                DeadLetterReasons.InvalidJson, error!, body.Data, body.Lineage)));
        }

        return result;
    }

    /// <summary>
    /// Decodes each line on its own (a UTF-8 BOM at the start of any line skipped, as two concatenated exports have), each
    /// non-blank line counting as one body. Unless <paramref name="force"/>d (a chunk of a file already known to be NDJSON),
    /// returns false, adding nothing, when fewer than half of the non-blank lines look like a whole value (<c>{…}</c> or
    /// <c>[…]</c>): the caller dead-letters the body whole, so pretty-printed but broken JSON does not turn into many dead
    /// lines, while NDJSON whose lines are all broken still gets one dead letter (and one body) per line.
    /// </summary>
    private static bool TryDecodeLines(ReadOnlyMemory<byte> data, Lineage lineage, DecodedBody result, bool force = false)
    {
        var span = data.Span;
        if (!force)
        {
            if (span.IndexOf((byte)'\n') < 0)
            {
                return false;
            }

            // Decide before parsing anything (a byte look at each line's ends, no allocation): NDJSON or one broken document.
            // A first line that is a whole document decides as it does for files (FileBodySource): its records are stored
            // and the rest is dead-lettered line by line, as an earlier version of this decoder did.
            var (lines, whole) = CountLines(span);
            if (whole * 2 < lines && !FirstLineStartsNdjson(span))
            {
                return false;
            }
        }

        var bodies = 0;
        var baseLine = (lineage.Line ?? 1) - 1;
        var start = 0;
        long lineNumber = 0;
        while (start < span.Length)
        {
            var end = span[start..].IndexOf((byte)'\n');
            var length = end < 0 ? span.Length - start : end;
            lineNumber++;
            var bytes = Utf8Bom.Strip(data.Slice(start, length));
            start += length + 1;
            if (IsBlank(bytes.Span))
            {
                continue;
            }

            bodies++;
            var lineLineage = lineage with { Line = baseLine + lineNumber };
            if (!Utf8.IsValid(bytes.Span))
            {
                result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(DeadLetterReasons.InvalidUtf8, "The line is not valid UTF-8.", bytes, lineLineage)));
            }
            else if (TryParse(bytes, out var doc, out var error))
            {
                AddDocument(doc!, bytes, lineLineage, result);
            }
            else
            {
                result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(DeadLetterReasons.InvalidJson, error!, bytes, lineLineage)));
            }
        }

        result.Bodies = bodies;
        return true;
    }

    /// <summary>True when the first non-blank line of <paramref name="span"/> starts NDJSON (<see cref="IsNdjsonFirstLine"/>).</summary>
    internal static bool FirstLineStartsNdjson(ReadOnlySpan<byte> span) => IsNdjsonFirstLine(NextContentLine(ref span));

    /// <summary>
    /// True when <paramref name="line"/> (one line without BOM and surrounding blanks), as the first non-blank line of
    /// something that is not one JSON document, makes it NDJSON: the line holds one whole JSON value, or it is shaped as a
    /// one-line object (<c>{…}</c>) that is broken in itself (a bad NDJSON line). A line that is only the start of a value
    /// continued on the next line — a pretty-printed or wrapped document, even one whose first line ends in <c>}</c> — does
    /// not. The file and archive readers decide from a first line by this same rule, so the same bytes give the same
    /// records and dead letters as a body, a file or a blob.
    /// </summary>
    private static bool IsNdjsonFirstLine(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
            if (reader.Read() && reader.TrySkip() && !reader.Read())
            {
                return true;
            }
        }
        catch (JsonException)
        {
            // Not one whole value: broken, or continued on the next line.
        }

        if (line.Length < 2 || line[0] != (byte)'{' || line[^1] != (byte)'}')
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: false, state: default);
            while (reader.Read())
            {
            }

            return false; // a valid start of a longer value: a document continued on the next line
        }
        catch (JsonException)
        {
            return true; // broken in itself: no document can continue it
        }
    }

    /// <summary>The non-blank lines of <paramref name="span"/>, and how many of them look like one whole value.</summary>
    private static (int Lines, int Whole) CountLines(ReadOnlySpan<byte> span)
    {
        var lines = 0;
        var whole = 0;
        for (var line = NextContentLine(ref span); !line.IsEmpty; line = NextContentLine(ref span))
        {
            lines++;
            if (line.Length > 1 && ((line[0] == (byte)'{' && line[^1] == (byte)'}') || (line[0] == (byte)'[' && line[^1] == (byte)']')))
            {
                whole++;
            }
        }

        return (lines, whole);
    }

    /// <summary>The next non-blank line of <paramref name="span"/> (BOM and surrounding blanks removed), consumed; empty at the end.</summary>
    private static ReadOnlySpan<byte> NextContentLine(ref ReadOnlySpan<byte> span)
    {
        while (!span.IsEmpty)
        {
            var end = span.IndexOf((byte)'\n');
            var line = end < 0 ? span : span[..end];
            span = end < 0 ? default : span[(end + 1)..];
            line = Utf8Bom.Strip(line).Trim(" \t\r"u8);
            if (!line.IsEmpty)
            {
                return line;
            }
        }

        return default;
    }

    private static void AddDocument(JsonDocument document, ReadOnlyMemory<byte> bytes, Lineage lineage, DecodedBody result)
    {
        result.Own(document);
        var root = document.RootElement;
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                var containers = 0;
                foreach (var property in root.EnumerateObject())
                {
                    // Every "records" member counts (any casing, even repeated): a duplicate key must not hide records.
                    if (!Records.JsonNames.EqualsIgnoreCase(property, "records"))
                    {
                        continue;
                    }

                    containers++;
                    if (property.Value.ValueKind == JsonValueKind.Array)
                    {
                        AddArray(property.Value, lineage, result);
                    }
                    else
                    {
                        result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(
                            DeadLetterReasons.RecordsNotArray,
                            $"'{property.Name}' is {property.Value.ValueKind}, not an array.",
                            bytes,
                            lineage)));
                    }
                }

                if (containers == 0)
                {
                    result.Items.Add(DecodedItem.ForRecord(root, lineage));
                }

                break;
            case JsonValueKind.Array:
                AddArray(root, lineage, result);
                break;
            default:
                result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(
                    DeadLetterReasons.UnsupportedShape,
                    $"The body is a JSON {root.ValueKind}, not a record, an array or {{\"records\":[...]}}.",
                    bytes,
                    lineage)));
                break;
        }
    }

    private static void AddArray(JsonElement array, Lineage lineage, DecodedBody result)
    {
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                result.Items.Add(DecodedItem.ForRecord(element, lineage));
            }
            else
            {
                result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(
                    DeadLetterReasons.NotAnObject,
                    $"Record {index} is a JSON {element.ValueKind}, not an object.",
                    System.Text.Encoding.UTF8.GetBytes(element.GetRawText()),
                    lineage)));
            }

            index++;
        }
    }

    /// <summary>
    /// Splits <c>{"records":[…]}</c> (every <c>records</c> member in any casing, other members skipped) or a top-level
    /// array whose elements are all objects into records known by their bytes. False, having added nothing, for any other
    /// body (the document path then decides, with its dead letters and messages).
    /// </summary>
    private static bool TrySplit(ReadOnlyMemory<byte> data, Lineage lineage, DecodedBody result)
    {
        var span = data.Span;
        var first = result.Items.Count;
        try
        {
            var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = _options.MaxDepth });
            if (!reader.Read())
            {
                return false;
            }

            var taken = reader.TokenType switch
            {
                JsonTokenType.StartArray => SplitArray(ref reader, data, lineage, result),
                JsonTokenType.StartObject => SplitRecords(ref reader, data, lineage, result),
                _ => false,
            };

            if (taken && !reader.Read())
            {
                return true; // the whole body read: nothing after the value
            }
        }
        catch (JsonException)
        {
            // Invalid JSON: the document path reports it.
        }

        result.Items.RemoveRange(first, result.Items.Count - first);
        return false;
    }

    private static bool SplitRecords(ref Utf8JsonReader reader, ReadOnlyMemory<byte> data, Lineage lineage, DecodedBody result)
    {
        var containers = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isRecords = !reader.ValueIsEscaped && Ascii.EqualsIgnoreCase(reader.ValueSpan, "records"u8);
            if (!isRecords && (reader.ValueIsEscaped || !Ascii.IsValid(reader.ValueSpan)))
            {
                return false; // a name only the document compares the same way
            }

            reader.Read();
            if (!isRecords)
            {
                reader.Skip();
                continue;
            }

            containers++;
            if (reader.TokenType != JsonTokenType.StartArray || !SplitArray(ref reader, data, lineage, result))
            {
                return false;
            }
        }

        return containers > 0 && reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool SplitArray(ref Utf8JsonReader reader, ReadOnlyMemory<byte> data, Lineage lineage, DecodedBody result)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            // The record's category is read on the way (its top-level members), so nothing reads the record for it again.
            var start = (int)reader.TokenStartIndex;
            var category = Dispatch.Categories.TryOfRecord(ref reader, out var found) ? found : null;
            result.Items.Add(DecodedItem.ForRecord(data[start..(int)reader.BytesConsumed], category, lineage));
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static bool TryParse(ReadOnlyMemory<byte> data, out JsonDocument? document, out string? error)
    {
        try
        {
            document = JsonDocument.Parse(data, _options);
            error = null;
            return true;
        }
        catch (JsonException ex)
        {
            document = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>True when <paramref name="span"/> holds exactly one non-blank line (blank lines after it allowed).</summary>
    private static bool IsOneLine(ReadOnlySpan<byte> span)
    {
        var end = span.IndexOf((byte)'\n');
        return end < 0 ? !IsBlank(span) : !IsBlank(span[..end]) && IsBlank(span[(end + 1)..]);
    }

    private static bool IsBlank(ReadOnlySpan<byte> span)
    {
        foreach (var b in span)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }
}
