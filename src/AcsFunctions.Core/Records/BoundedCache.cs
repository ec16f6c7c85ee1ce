using System.Collections.Concurrent;

namespace AcsFunctions.Records;

/// <summary>
/// Results of a pure function of a short string (a resource id, a hash or mask of a personal value), kept so values
/// that repeat across records are computed once. Bounded: when it holds its capacity it is emptied and fills again,
/// so memory stays flat whatever the input. Keys longer than the limit are never cached. Thread-safe without a lock
/// on the read path (threads preparing one batch together read it for every personal value; a shared lock made them
/// queue for each other): reads are lock-free, the compute function runs outside any lock, and two threads missing the
/// same key at once may both compute it (the function is pure, so either result is the same).
/// </summary>
/// <typeparam name="TValue">The result type.</typeparam>
internal sealed class BoundedCache<TValue>
{
    private readonly int _capacity;
    private readonly int _maxKeyLength;
    private readonly ConcurrentDictionary<string, TValue> _entries;
    private readonly ConcurrentDictionary<string, TValue>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private readonly Lock _clearing = new();
    private int _count;

    /// <summary>Creates an empty cache of at most <paramref name="capacity"/> entries with keys of at most <paramref name="maxKeyLength"/> characters.</summary>
    public BoundedCache(int capacity = 4096, int maxKeyLength = 512)
    {
        _capacity = capacity;
        _maxKeyLength = maxKeyLength;
        _entries = new ConcurrentDictionary<string, TValue>(StringComparer.Ordinal);
        _byChars = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// The cached result for the key given by its characters, found without making a string of them (a hit on a value
    /// read from a record's bytes costs no allocation); false when it is not cached.
    /// </summary>
    public bool TryGet(ReadOnlySpan<char> key, out TValue value)
    {
        if (key.Length > _maxKeyLength)
        {
            value = default!;
            return false;
        }

        return _byChars.TryGetValue(key, out value!);
    }

    /// <summary>The cached result for <paramref name="key"/>, computing it with <paramref name="compute"/> when missing.</summary>
    public TValue GetOrAdd<TState>(string key, TState state, Func<string, TState, TValue> compute)
    {
        if (key.Length > _maxKeyLength)
        {
            return compute(key, state);
        }

        if (_entries.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var value = compute(key, state);
        if (Volatile.Read(ref _count) >= _capacity)
        {
            lock (_clearing)
            {
                if (Volatile.Read(ref _count) >= _capacity)
                {
                    _entries.Clear();
                    Volatile.Write(ref _count, 0);
                }
            }
        }

        if (_entries.TryAdd(key, value))
        {
            Interlocked.Increment(ref _count);
        }

        return value;
    }
}
