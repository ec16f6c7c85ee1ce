using System.Buffers;
using System.Text.Json;

namespace AcsFunctions.Decoding;

/// <summary>
/// Splits a stream of JSON documents (<c>{"records":[…]}</c>, a top-level array, one after the other) into bodies of
/// whole records as the bytes arrive, so a large document never has to be in memory at once: the elements of a
/// <c>records</c> array (any casing, every <c>records</c> member) or of a top-level array are emitted as
/// <c>[r1,r2,…]</c> bodies of about <see cref="FileBodySource.ChunkBytes"/>; members other than <c>records</c> are
/// skipped, as <see cref="BodyDecoder"/> ignores them. A top-level value that is not a records container (a single
/// record, a <c>records</c> member that is not an array) is emitted whole, as its own body. The bytes held are the
/// current group plus the record being read, so memory is bounded by the largest record, not the document.
/// </summary>
internal sealed class RecordsArraySplitter
{
    private static readonly JsonReaderOptions _options = new() { MaxDepth = 64, AllowMultipleValues = true };

    /// <summary>Why the rest is invalid when nothing but blanks follows the last whole record of an unclosed container.</summary>
    private const string UnclosedDocument = "The file ends before its records array or object is closed.";

    private readonly string _name;
    private readonly ArrayBufferWriter<byte> _group = new(FileBodySource.ChunkBytes + (64 * 1024));
    private JsonReaderState _state = new(_options);
    private Phase _phase = Phase.TopLevel;
    private bool _pendingRecords;
    private long _lines = 1;
    private long _groupLine = 1;
    private int _checkpoint;
    private int _bomAt = -1;
    private bool _documentCounted;

    public RecordsArraySplitter(string name) => _name = name;

    private enum Phase
    {
        TopLevel,
        Member,
        MemberValue,
        Elements,
    }

    /// <summary>
    /// Consumes as many whole tokens of <paramref name="data"/> as it can, adding finished bodies to
    /// <paramref name="output"/>; returns the bytes consumed (the caller keeps the rest and appends more).
    /// </summary>
    public int Process(ReadOnlySpan<byte> data, bool isFinal, List<EventBody> output)
    {
        // A UTF-8 BOM before a document (two exports concatenated, each with its own) is skipped, as the file's first one is:
        // the reader stops in front of it and goes on after it with the same state.
        var consumed = 0;
        while (ProcessUntilBom(data[consumed..], isFinal, output, out var used))
        {
            consumed += used + 3;
        }

        if (isFinal || Failed)
        {
            Flush(output); // the whole records read so far are handed over; the caller dead-letters the rest
        }

        return consumed + _checkpoint;
    }

    /// <summary>
    /// Consumes whole tokens of <paramref name="data"/>; true when it stopped at a BOM before a top-level value, with
    /// <paramref name="used"/> the bytes before the BOM.
    /// </summary>
    private bool ProcessUntilBom(ReadOnlySpan<byte> data, bool isFinal, List<EventBody> output, out int used)
    {
        var reader = new Utf8JsonReader(data, isFinal, _state);
        _checkpoint = 0;
        _bomAt = -1;
        try
        {
            while (Step(ref reader, data, output))
            {
                _lines += data[_checkpoint..(int)reader.BytesConsumed].Count((byte)'\n');
                _checkpoint = (int)reader.BytesConsumed;
                _state = reader.CurrentState;
            }

            if (_bomAt >= 0)
            {
                _lines += data[_checkpoint.._bomAt].Count((byte)'\n');
                used = _bomAt;
                _checkpoint = 0;
                return true;
            }

            if (isFinal && _phase != Phase.TopLevel)
            {
                throw new JsonException(UnclosedDocument);
            }
        }
        catch (JsonException ex)
        {
            Failed = true;
            if (_phase != Phase.TopLevel)
            {
                // Broken inside a records container: the reason the rest from here on is dead-lettered with. Nothing but blanks
                // left at the end: the file was cut after a whole record. Else the reader's reason (its line and byte position
                // are the file's, as its state carries them from the file's start).
                Error = isFinal && data[_checkpoint..].TrimStart(" \t\r\n"u8).IsEmpty ? UnclosedDocument : ex.Message;
            }
        }

        used = _checkpoint;
        return false;
    }

    /// <summary>One step; false when the data in hand does not hold the next whole token (or value to skip).</summary>
    private bool Step(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, List<EventBody> output)
    {
        switch (_phase)
        {
            case Phase.TopLevel:
                var next = data[(int)reader.BytesConsumed..].TrimStart(" \t\r\n"u8);
                if (!next.IsEmpty && next[0] == Utf8Bom.Bytes[0])
                {
                    if (next.StartsWith(Utf8Bom.Bytes))
                    {
                        _bomAt = data.Length - next.Length;
                        return false;
                    }

                    if (next.Length < Utf8Bom.Bytes.Length && !reader.IsFinalBlock)
                    {
                        return false; // maybe a BOM: wait for its other bytes
                    }
                }

                if (!reader.Read())
                {
                    return false;
                }

                _documentCounted = false;

                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    _phase = Phase.Elements;
                    return true;
                }

                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    // Decide on the first member: a records container is streamed, anything else is emitted whole.
                    var copy = reader;
                    if (!copy.Read())
                    {
                        return false;
                    }

                    if (copy.TokenType == JsonTokenType.PropertyName && IsRecords(ref copy))
                    {
                        _phase = Phase.Member;
                        return true;
                    }
                }

                return EmitWhole(ref reader, data, output);
            case Phase.Member:
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    _phase = Phase.TopLevel;
                    EndDocument(output);
                    return true;
                }

                _pendingRecords = IsRecords(ref reader);
                _phase = Phase.MemberValue;
                return true;
            case Phase.MemberValue:
                if (!reader.Read())
                {
                    return false;
                }

                if (_pendingRecords && reader.TokenType == JsonTokenType.StartArray)
                {
                    _phase = Phase.Elements;
                    return true;
                }

                if (_pendingRecords)
                {
                    // "records" that is not an array: the decoder dead-letters it as records-not-array.
                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip())
                    {
                        return false;
                    }

                    Flush(output);
                    var value = data[start..(int)reader.BytesConsumed];
                    var body = new byte[value.Length + 12];
                    "{\"records\":"u8.CopyTo(body);
                    value.CopyTo(body.AsSpan(11));
                    body[^1] = (byte)'}';
                    output.Add(Counted(new EventBody(body, new Lineage { File = _name, Line = LineAt(data, start) })));
                }
                else if (!reader.TrySkip())
                {
                    return false;
                }

                _phase = Phase.Member;
                return true;
            default:
                if (!reader.Read())
                {
                    return false;
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    _phase = reader.CurrentDepth == 0 ? Phase.TopLevel : Phase.Member;
                    if (_phase == Phase.TopLevel)
                    {
                        EndDocument(output);
                    }

                    return true;
                }

                var elementStart = (int)reader.TokenStartIndex;
                if (!reader.TrySkip())
                {
                    return false;
                }

                Add(data[elementStart..(int)reader.BytesConsumed], LineAt(data, elementStart), output);
                return true;
        }
    }

    private static bool IsRecords(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        return length <= 64 && string.Equals(reader.GetString(), "records", StringComparison.OrdinalIgnoreCase);
    }

    private bool EmitWhole(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, List<EventBody> output)
    {
        var start = (int)reader.TokenStartIndex;
        if (!reader.TrySkip())
        {
            return false;
        }

        Flush(output);
        output.Add(Counted(new EventBody(data[start..(int)reader.BytesConsumed].ToArray(), new Lineage { File = _name, Line = LineAt(data, start) })));
        return true;
    }

    private long LineAt(ReadOnlySpan<byte> data, int index) => _lines + data[_checkpoint..index].Count((byte)'\n');

    private void Add(ReadOnlySpan<byte> element, long line, List<EventBody> output)
    {
        if (_group.WrittenCount > 0 && _group.WrittenCount + element.Length > FileBodySource.ChunkBytes)
        {
            Flush(output);
        }

        if (_group.WrittenCount == 0)
        {
            _groupLine = line;
            _group.Write("["u8);
        }
        else
        {
            _group.Write(","u8);
        }

        _group.Write(element);
    }

    /// <summary>The first body of a document counts as one source body, its later parts as none.</summary>
    private EventBody Counted(EventBody body)
    {
        var counted = body with { SourceBodies = _documentCounted ? 0 : 1 };
        _documentCounted = true;
        return counted;
    }

    /// <summary>A document ends: its records go out in bodies of their own; an empty document still counts as a body.</summary>
    private void EndDocument(List<EventBody> output)
    {
        Flush(output);
        if (!_documentCounted)
        {
            output.Add(Counted(new EventBody("[]"u8.ToArray(), new Lineage { File = _name, Line = _lines })));
        }
    }

    /// <summary>Emits the current group (if any).</summary>
    public void Flush(List<EventBody> output)
    {
        if (_group.WrittenCount == 0)
        {
            return;
        }

        _group.Write("]"u8);
        output.Add(Counted(new EventBody(_group.WrittenSpan.ToArray(), new Lineage { File = _name, Line = _groupLine })));
        _group.Clear();
    }

    /// <summary>True once the text turned out not to be valid JSON: the bytes from the last consumed one on are not split.</summary>
    public bool Failed { get; private set; }

    /// <summary>
    /// Why the text is invalid when it broke inside a records container (<see cref="Failed"/>); null when it broke between
    /// documents, where the rest starts a value of its own and is decoded as a body like any other.
    /// </summary>
    public string? Error { get; private set; }

    /// <summary>
    /// The rest of the text from the first byte not consumed (<see cref="Failed"/>): inside a container, the one
    /// <c>invalid-json</c> dead letter of <see cref="Error"/> that counts as no further body when the document already counted
    /// as one; between documents, a body of its own.
    /// </summary>
    /// <param name="data">The rest's bytes; its lineage is the line of the first byte not consumed.</param>
    public EventBody Rest(byte[] data) => new(data, new Lineage { File = _name, Line = _lines })
    {
        Unfinished = Error,
        SourceBodies = Error is not null && _documentCounted ? 0 : 1,
    };
}
