using System.Text;
using Azure.Data.Tables;

namespace AcsFunctions.Ingestion;

/// <summary>
/// Where a batch part's record rows keep their columns until each row is written (issue 18): name/value pairs side by
/// side in shared chunks, and each readable payload (the <c>Raw</c> column) as its UTF-8 bytes in shared byte chunks. A
/// row prepared but not yet written is then one object (its <see cref="PendingRecord"/>) plus its own values, instead of
/// an SDK entity, its dictionary, its entry and bucket arrays and a UTF-16 copy of the payload; the garbage collector,
/// which meets every row of a batch alive until the batch is written, has a few large chunks to scan instead of ~45
/// objects per row, and two preparing threads stop each other for much shorter collections. The SDK's entity is made
/// from the row when its write needs it (<see cref="CompactRow.ToEntity"/>): the same columns, in the same order, with
/// the same values.
/// </summary>
internal sealed class RowColumns
{
    /// <summary>References per pairs chunk (names and values): 64 KiB, below the large-object heap's threshold.</summary>
    internal const int PairsPerChunk = 8 * 1024;

    /// <summary>Bytes per text chunk (below the large-object heap's threshold).</summary>
    internal const int BytesPerChunk = 64 * 1024;

    /// <summary>A payload longer than this is decoded at once (it would leave much of a chunk unused).</summary>
    internal const int MaxDeferredBytes = 16 * 1024;

    /// <summary>Stands for the row's <c>Raw</c> text among its values until the row is made an entity.</summary>
    internal static readonly object DeferredText = new();

    [ThreadStatic]
    private static Dictionary<string, object>? t_columns;

    private object[] _pairs = [];
    private int _pairsUsed;
    private byte[] _text = [];
    private int _textUsed;

    /// <summary>
    /// Keeps <paramref name="columns"/> (in their order; a <c>Raw</c> of <see cref="DeferredText"/> stands for
    /// <paramref name="text"/>, decoded when the row becomes an entity) and gives the row that reads them back.
    /// </summary>
    public CompactRow Add(string partitionKey, string rowKey, Dictionary<string, object> columns, ReadOnlySpan<byte> text)
    {
        var needed = columns.Count * 2;
        if (_pairsUsed + needed > _pairs.Length)
        {
            // Chunks grow from 1 Ki to 8 Ki references: a small part (a run of a few bodies) zeroes no more than it uses.
            _pairs = new object[Math.Max(Math.Clamp(_pairs.Length * 2, 1024, PairsPerChunk), needed)];
            _pairsUsed = 0;
        }

        var start = _pairsUsed;
        foreach (var (name, value) in columns)
        {
            _pairs[_pairsUsed++] = name;
            _pairs[_pairsUsed++] = value;
        }

        var textStart = 0;
        byte[]? chunk = null;
        if (!text.IsEmpty)
        {
            if (_textUsed + text.Length > _text.Length)
            {
                _text = new byte[Math.Max(Math.Clamp(_text.Length * 2, 8 * 1024, BytesPerChunk), text.Length)];
                _textUsed = 0;
            }

            chunk = _text;
            textStart = _textUsed;
            text.CopyTo(chunk.AsSpan(textStart));
            _textUsed += text.Length;
        }

        return new CompactRow(partitionKey, rowKey, _pairs, start, needed, chunk, textStart, text.Length);
    }

    /// <summary>The scratch dictionary a row's entity is made from (one per thread, copied into the entity).</summary>
    internal static Dictionary<string, object> Scratch() => t_columns ??= new Dictionary<string, object>(64);

    /// <summary>A row's keys and where its columns and payload text are kept.</summary>
    internal readonly struct CompactRow(string partitionKey, string rowKey, object[] pairs, int start, int length, byte[]? text, int textStart, int textLength)
    {
        public string PartitionKey { get; } = partitionKey;

        public string RowKey { get; } = rowKey;

        /// <summary>The entity the SDK writes: the kept columns in their order, the payload text decoded in its place.</summary>
        public TableEntity ToEntity()
        {
            var columns = Scratch();
            columns.Clear();
            for (var i = start; i < start + length; i += 2)
            {
                var value = pairs[i + 1];
                if (ReferenceEquals(value, DeferredText))
                {
                    value = Encoding.UTF8.GetString(text.AsSpan(textStart, textLength));
                }

                columns.Add((string)pairs[i], value);
            }

            // TableEntity copies a Dictionary with its hashes, into one of exactly its size.
            var entity = new TableEntity(columns);
            columns.Clear();
            return entity;
        }
    }
}
