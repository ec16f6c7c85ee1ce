using System.Buffers;

namespace AcsFunctions.Generation;

/// <summary>
/// A deterministic, realistic stream of ACS diagnostic-log event bodies (see <see cref="GeneratorOptions"/>):
/// calls, API traffic for every API category, email, SMS and usage, minute by minute, packed into
/// <c>{"records":[...]}</c> bodies of 1–100 mixed records up to ~1 MB, with optional re-deliveries, late
/// records and malformed input. Host-free: no clock, no I/O; the same options give the same bytes.
/// </summary>
public sealed class SyntheticStream
{
    private GenerationSummary? _summary;

    private SyntheticStream(GeneratorOptions options) => Options = options;

    /// <summary>The options in force.</summary>
    public GeneratorOptions Options { get; }

    /// <summary>The summary of the last complete enumeration of <see cref="Bodies"/>.</summary>
    /// <exception cref="InvalidOperationException">No enumeration has completed yet.</exception>
    public GenerationSummary Summary => _summary ?? throw new InvalidOperationException("Enumerate Bodies() to the end first.");

    /// <summary>Validates the options and prepares the stream.</summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public static SyntheticStream Create(GeneratorOptions options)
    {
        options.Validate();
        return new SyntheticStream(options);
    }

    /// <summary>
    /// The bodies in delivery order, generated lazily (memory stays bounded by a few minutes of traffic).
    /// Every enumeration starts again from the seed and yields the same bytes.
    /// </summary>
    public IEnumerable<GeneratedBody> Bodies()
    {
        using var context = new GenerationContext(Options);
        var sms = new SmsGenerator(context);
        var api = new ApiTrafficGenerator(context, sms);
        var email = new EmailGenerator(context);
        var calls = new CallGenerator(context);
        var delivery = new Delivery(context);
        var late = new List<GeneratedRecord>();
        var minute = new List<GeneratedRecord>();

        for (long m = 0; m < Options.Minutes || context.Schedule.Pending > 0; m++)
        {
            minute.Clear();
            if (m < Options.Minutes)
            {
                calls.Generate(m, minute);
                api.Generate(m, minute);
                sms.Generate(m, minute);
                email.Generate(m, minute);
            }

            minute.AddRange(context.Schedule.Take(m));
            context.Random.Shuffle(minute);
            var onTime = new List<GeneratedRecord>(minute.Count);
            foreach (var record in minute)
            {
                (context.Random.Chance(Options.Late) ? late : onTime).Add(record);
            }

            foreach (var body in delivery.Pack(onTime, context.Start.AddMinutes(m + 1), isLate: false))
            {
                yield return body;
            }
        }

        delivery.Summary.LateRecords = late.Count;
        context.Random.Shuffle(late);
        var end = context.Start.AddMinutes(Math.Max(Options.Minutes, context.Schedule.LastMinute + 1) + 5);
        foreach (var body in delivery.Pack(late, end, isLate: true))
        {
            yield return body;
        }

        foreach (var body in delivery.Flush())
        {
            yield return body;
        }

        _summary = delivery.Summary.Build();
    }

    /// <summary>Packs records into bodies, damages some, re-delivers some, and keeps the books.</summary>
    private sealed class Delivery(GenerationContext context)
    {
        private readonly List<(long Due, GeneratedBody Body)> _replays = [];
        private readonly DeterministicRandom _random = context.Random.Fork(2);
        private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
        private long _index;
        private long _sequence;

        public SummaryBuilder Summary { get; } = new();

        public IEnumerable<GeneratedBody> Pack(List<GeneratedRecord> records, DateTimeOffset enqueued, bool isLate)
        {
            var options = context.Options;
            var i = 0;
            while (i < records.Count)
            {
                var target = _random.NextDouble() switch
                {
                    < 0.1 => _random.Next(1, 6),
                    < 0.4 => _random.Next(5, 41),
                    _ => _random.Next(40, 101),
                };
                target = Math.Clamp(target, 1, options.MaxRecordsPerBody);
                var batch = new List<GeneratedRecord>(target);
                long bytes = 14;
                while (i < records.Count && batch.Count < target && (batch.Count == 0 || bytes + records[i].Json.Length + 1 <= options.MaxBodyBytes))
                {
                    bytes += records[i].Json.Length + 1;
                    batch.Add(records[i++]);
                }

                foreach (var body in Deliver(Build(batch, enqueued, isLate)))
                {
                    yield return body;
                }
            }
        }

        public IEnumerable<GeneratedBody> Flush()
        {
            foreach (var (_, body) in _replays)
            {
                yield return Replay(body);
            }

            _replays.Clear();
        }

        private IEnumerable<GeneratedBody> Deliver(GeneratedBody body)
        {
            Summary.Delivered(body);
            yield return body;
            if (_random.Chance(context.Options.Duplicates))
            {
                _replays.Add((_index + _random.Next(1, 25), body));
            }

            for (var r = 0; r < _replays.Count; r++)
            {
                if (_replays[r].Due <= _index)
                {
                    var replay = Replay(_replays[r].Body);
                    _replays.RemoveAt(r--);
                    yield return replay;
                }
            }
        }

        private GeneratedBody Replay(GeneratedBody original)
        {
            var copy = new GeneratedBody(_index++, original.Sequence, original.EnqueuedTime, original.Data, original.Units, original.DeadLetterUnits)
            {
                Duplicate = true,
                Late = original.Late,
                Malformation = original.Malformation,
            };
            Summary.Delivered(copy);
            return copy;
        }

        private GeneratedBody Build(List<GeneratedRecord> batch, DateTimeOffset enqueued, bool isLate)
        {
            var malformed = _random.Chance(context.Options.Malformed);
            if (malformed && _random.Chance(0.4))
            {
                var whole = Assemble(batch, []);
                var (data, reason) = Malformations.BreakBody(_random, whole, batch[0].Json);
                Summary.DeadLettered(reason);
                return new GeneratedBody(_index++, _sequence++, enqueued, data, 1, 1) { Late = isLate, Malformation = reason };
            }

            var broken = new Dictionary<int, byte[]>();
            string? firstReason = null;
            if (malformed)
            {
                var count = Math.Min(batch.Count, _random.Next(1, 4));
                while (broken.Count < count)
                {
                    var at = _random.Next(batch.Count);
                    if (!broken.ContainsKey(at))
                    {
                        var (data, reason) = Malformations.BreakRecord(_random, batch[at].Json);
                        broken[at] = data;
                        firstReason ??= reason;
                        Summary.DeadLettered(reason);
                    }
                }
            }

            for (var r = 0; r < batch.Count; r++)
            {
                if (!broken.ContainsKey(r))
                {
                    Summary.Stored(batch[r]);
                }
            }

            return new GeneratedBody(_index++, _sequence++, enqueued, Assemble(batch, broken), batch.Count, broken.Count)
            {
                Late = isLate,
                Malformation = firstReason,
            };
        }

        private byte[] Assemble(List<GeneratedRecord> batch, Dictionary<int, byte[]> replacements)
        {
            _buffer.ResetWrittenCount();
            _buffer.Write("{\"records\":["u8);
            for (var r = 0; r < batch.Count; r++)
            {
                if (r > 0)
                {
                    _buffer.Write(","u8);
                }

                _buffer.Write(replacements.TryGetValue(r, out var replacement) ? replacement : batch[r].Json);
            }

            _buffer.Write("]}"u8);
            return _buffer.WrittenSpan.ToArray();
        }
    }
}
