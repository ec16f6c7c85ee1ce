namespace AcsFunctions.Generation;

/// <summary>Records waiting for their minute: generated ahead (delivery reports, later call-log versions, usage).</summary>
internal sealed class MinuteSchedule
{
    private readonly SortedDictionary<long, List<GeneratedRecord>> _buckets = [];
    private readonly DateTimeOffset _start;

    public MinuteSchedule(DateTimeOffset start) => _start = start;

    /// <summary>Records still waiting.</summary>
    public int Pending { get; private set; }

    /// <summary>The last minute holding a record, or -1.</summary>
    public long LastMinute => _buckets.Count == 0 ? -1 : _buckets.Keys.Last();

    /// <summary>The minute index of <paramref name="time"/> (0 = the first generated minute).</summary>
    public long MinuteOf(DateTimeOffset time) => (long)Math.Floor((time - _start).TotalMinutes);

    /// <summary>Queues a record for the minute of its time.</summary>
    public void Add(GeneratedRecord record)
    {
        var minute = MinuteOf(record.Time);
        if (!_buckets.TryGetValue(minute, out var list))
        {
            list = [];
            _buckets[minute] = list;
        }

        list.Add(record);
        Pending++;
    }

    /// <summary>Removes and returns every record of <paramref name="minute"/> (and of any earlier minute still held).</summary>
    public List<GeneratedRecord> Take(long minute)
    {
        var taken = new List<GeneratedRecord>();
        while (_buckets.Count > 0)
        {
            var first = _buckets.First();
            if (first.Key > minute)
            {
                break;
            }

            taken.AddRange(first.Value);
            _buckets.Remove(first.Key);
        }

        Pending -= taken.Count;
        return taken;
    }
}
