using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace AcsFunctions.Bench.PrepareProfile;

/// <summary>
/// What Prepare allocates, by type: the runtime's allocation ticks (one event per ~100 KB allocated, naming the type of
/// the object that crossed the mark) counted while <c>--alloc</c> runs Prepare on one thread. Each tick stands for
/// ~100 KB, so a type's share of the ticks is its share of the bytes (a sample, not an exact count).
/// </summary>
internal sealed class Allocations : EventListener
{
    private const int GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _counting;

    public void Start() => _counting = true;

    public void Stop() => _counting = false;

    public void Print(long records)
    {
        var total = _bytes.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   allocation ticks: {total / 1_048_576.0:N0} MiB sampled, {total / (double)Math.Max(1, records):N0} bytes per record"));
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(25))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {bytes * 100.0 / total,5:N1} %  {bytes / (double)Math.Max(1, records),7:N0} B/record  {type}"));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_counting || eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
