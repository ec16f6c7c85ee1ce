namespace AcsFunctions.Records;

/// <summary>
/// Results of a pure function of a short string (a resource id, a hash or mask of a personal value), kept so values
/// that repeat across records are computed once. Bounded: when it holds more than its capacity it is emptied and
/// fills again, so memory stays flat whatever the input. Keys longer than the limit are never cached. Thread-safe
/// (the compute function runs outside the lock).
/// </summary>
/// <typeparam name="TValue">The result type.</typeparam>
internal sealed class BoundedCache<TValue>(int capacity = 4096, int maxKeyLength = 512)
{
    private readonly Dictionary<string, TValue> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The cached result for <paramref name="key"/>, computing it with <paramref name="compute"/> when missing.</summary>
    public TValue GetOrAdd<TState>(string key, TState state, Func<string, TState, TValue> compute)
    {
        if (key.Length > maxKeyLength)
        {
            return compute(key, state);
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var value = compute(key, state);
        lock (_gate)
        {
            if (_entries.Count >= capacity)
            {
                _entries.Clear();
            }

            _entries[key] = value;
        }

        return value;
    }
}
