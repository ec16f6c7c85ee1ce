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
        var data = StripBom(body.Data);
        if (IsBlank(data.Span))
        {
            result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(
                DeadLetterReasons.EmptyBody, "The body is empty.", body.Data, body.Lineage)));
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
    /// Decodes each line on its own. Returns false (adding nothing) when no line holds valid JSON, so the
    /// caller dead-letters the body whole; pretty-printed but broken JSON must not turn into many dead lines.
    /// </summary>
    private static bool TryDecodeLines(ReadOnlyMemory<byte> data, Lineage lineage, DecodedBody result)
    {
        var span = data.Span;
        if (span.IndexOf((byte)'\n') < 0)
        {
            return false;
        }

        var lines = new List<(ReadOnlyMemory<byte> Bytes, long Line)>();
        var start = 0;
        long lineNumber = 0;
        while (start <= span.Length)
        {
            var end = span[start..].IndexOf((byte)'\n');
            var length = end < 0 ? span.Length - start : end;
            lineNumber++;
            var line = data.Slice(start, length);
            if (!IsBlank(line.Span))
            {
                lines.Add((line, lineNumber));
            }

            if (end < 0)
            {
                break;
            }

            start += length + 1;
        }

        var parsed = new List<(JsonDocument? Doc, string? Error, string Reason, ReadOnlyMemory<byte> Bytes, long Line)>(lines.Count);
        var anyValid = false;
        foreach (var (bytes, line) in lines)
        {
            if (!Utf8.IsValid(bytes.Span))
            {
                parsed.Add((null, "The line is not valid UTF-8.", DeadLetterReasons.InvalidUtf8, bytes, line));
                continue;
            }

            if (TryParse(bytes, out var doc, out var error))
            {
                anyValid = true;
                parsed.Add((doc, null, string.Empty, bytes, line));
            }
            else
            {
                parsed.Add((null, error, DeadLetterReasons.InvalidJson, bytes, line));
            }
        }

        if (!anyValid)
        {
            return false;
        }

        result.Bodies = lines.Count;
        var baseLine = (lineage.Line ?? 1) - 1;
        foreach (var (doc, error, reason, bytes, line) in parsed)
        {
            var lineLineage = lineage with { Line = baseLine + line };
            if (doc is null)
            {
                result.Items.Add(DecodedItem.ForDeadLetter(new DeadLetter(reason, error!, bytes, lineLineage)));
            }
            else
            {
                AddDocument(doc, bytes, lineLineage, result);
            }
        }

        return true;
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

    private static ReadOnlyMemory<byte> StripBom(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        return span.Length >= 3 && span[0] == 0xEF && span[1] == 0xBB && span[2] == 0xBF ? data[3..] : data;
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
