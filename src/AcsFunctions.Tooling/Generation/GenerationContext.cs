namespace AcsFunctions.Generation;

/// <summary>What every family generator shares: the options, the PRNG, the record writer, the resource and the schedule.</summary>
internal sealed class GenerationContext : IDisposable
{
    private const string Base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public GenerationContext(GeneratorOptions options)
    {
        Options = options;
        Start = options.EffectiveStart;
        Random = new DeterministicRandom(options.Seed);
        Writer = new RecordWriter(Random.Fork(1));
        Schedule = new MinuteSchedule(Start);
        var identity = new DeterministicRandom(options.Seed ^ 0x41435321);
        SubscriptionId = identity.NextGuid().ToString().ToUpperInvariant();
        ResourceGuid = identity.NextGuid().ToString();
        ResourceName = options.ResourceName.ToUpperInvariant();
        ResourceId = $"/SUBSCRIPTIONS/{SubscriptionId}/RESOURCEGROUPS/RG-ACS-SYNTHETIC/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/{ResourceName}";
        Host = options.ResourceName.ToLowerInvariant() + ".communication.azure.com";
        SenderNumbers = Enumerable.Range(0, 4).Select(_ => "+1" + (8000000000L + identity.Next(0, 999_999_999)).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public GeneratorOptions Options { get; }

    public DateTimeOffset Start { get; }

    public DeterministicRandom Random { get; }

    public RecordWriter Writer { get; }

    public MinuteSchedule Schedule { get; }

    public string SubscriptionId { get; }

    /// <summary>The resource's immutable id as it appears in ACS identities (<c>acs:&lt;guid&gt;_&lt;user&gt;</c>).</summary>
    public string ResourceGuid { get; }

    public string ResourceName { get; }

    public string ResourceId { get; }

    /// <summary>The resource's endpoint host, for <c>URI</c> fields.</summary>
    public string Host { get; }

    /// <summary>The resource's SMS sender numbers.</summary>
    public IReadOnlyList<string> SenderNumbers { get; }

    /// <summary>The resource id as this record spells it (the docs' samples omit the leading slash).</summary>
    public string ResourceIdVariant() => Random.Chance(0.05) ? ResourceId[1..] : ResourceId;

    /// <summary>A time uniformly inside minute <paramref name="minute"/> (tick precision).</summary>
    public DateTimeOffset TimeIn(long minute) => Start.AddMinutes(minute).AddTicks((long)(Random.NextDouble() * TimeSpan.TicksPerMinute));

    /// <summary>A new ACS user identity: <c>8:acs:&lt;resource&gt;_&lt;user&gt;</c>.</summary>
    public string AcsUser() => $"8:acs:{ResourceGuid}_{Random.NextGuid()}";

    /// <summary>An MS-CV style correlation id (<c>dDRmubfpNZZZZZnxBtw3Q.0</c>).</summary>
    public string MsCv()
    {
        Span<char> chars = stackalloc char[22];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Base64Alphabet[Random.Next(62)];
        }

        return new string(chars) + "." + Random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A caller IP address from the documentation ranges.</summary>
    public string CallerIp() => Random.Next(3) switch
    {
        0 => $"203.0.113.{Random.Next(1, 255)}",
        1 => $"198.51.100.{Random.Next(1, 255)}",
        _ => $"192.0.2.{Random.Next(1, 255)}",
    };

    public void Dispose() => Writer.Dispose();

    /// <summary>Splits <paramref name="total"/> over <paramref name="minutes"/> minutes with a gentle, seeded wave (the counts sum to the total exactly).</summary>
    public int[] Apportion(int total, int minutes)
    {
        var weights = new double[minutes];
        var phase = Random.Uniform(0, 2 * Math.PI);
        var sum = 0.0;
        for (var m = 0; m < minutes; m++)
        {
            weights[m] = 1 + (0.3 * Math.Sin((2 * Math.PI * m / 60.0) + phase)) + Random.Uniform(-0.15, 0.15);
            sum += weights[m];
        }

        var counts = new int[minutes];
        var cumulative = 0.0;
        long assigned = 0;
        for (var m = 0; m < minutes; m++)
        {
            cumulative += weights[m];
            var upTo = m == minutes - 1 ? total : (long)Math.Round(cumulative / sum * total);
            counts[m] = (int)(upTo - assigned);
            assigned = upTo;
        }

        return counts;
    }
}
