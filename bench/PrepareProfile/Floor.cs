using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using AcsFunctions.Privacy;
using AcsFunctions.Records;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Bench.PrepareProfile;

/// <summary>
/// What P1 cannot go below while row keys stay as they are (issue 18): per record, in a loop over the records already
/// split out of their bodies (best of 9 rounds, every timing in each round), a reader scan (the baseline's work), SHA-256
/// of the record's bytes and of its canonical form (what a record id hashes), the canonical form alone, the whole
/// <see cref="RecordId.Compute"/>, <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> and the
/// privacy pass (which computes the id and parses the record once). Each is printed as a multiple of the scan of the
/// bodies, the baseline of P1: P1 ≥ 0.2 leaves Prepare 5× the scan for everything.
/// </summary>
internal static class Floor
{
    public static void Print(IServiceProvider services, IReadOnlyList<EventBody> bodies, long bytes)
    {
        var sanitizer = services.GetRequiredService<IRecordSanitizer>();
        var records = new List<ReadOnlyMemory<byte>>();
        var categories = new List<string?>();
        foreach (var body in bodies)
        {
            using var decoded = BodyDecoder.Decode(body);
            foreach (var i in decoded.Items.Where(i => i.DeadLetter is null && !i.Utf8.IsEmpty))
            {
                records.Add(i.Utf8.ToArray());
                categories.Add(i.Category);
            }
        }

        var canonicalizer = new RecordCanonicalizer();
        var canon = records.Select(r =>
        {
            ReadOnlyMemory<byte> canonical = canonicalizer.Write(r.Span).ToArray();
            canonicalizer.Release();
            return canonical;
        }).ToList();
        var recordBytes = records.Sum(r => (long)r.Length);
        var timings = new List<(string Name, Action Action)>
        {
            ("scan of each body (the baseline)", () =>
            {
                foreach (var body in bodies)
                {
                    var reader = new Utf8JsonReader(body.Data.Span);
                    while (reader.Read()) { }
                }
            }),
            ("scan of each record", () =>
            {
                foreach (var r in records)
                {
                    var reader = new Utf8JsonReader(r.Span);
                    while (reader.Read()) { }
                }
            }),
            ("SHA-256 of each record's bytes", () => Hash(records, each: true)),
            ("RecordId.Compute (canonical form + SHA-256)", () =>
            {
                foreach (var r in records)
                {
                    RecordId.Compute(r.Span);
                }
            }),
            ("SHA-256 of all canonical forms as one stream", () => Hash(canon, each: false)),
            ("canonical form alone (no hash)", () =>
            {
                var c = new RecordCanonicalizer();
                foreach (var r in records)
                {
                    c.Write(r.Span);
                    c.Release();
                }
            }),
            ("SHA-256 of each record's canonical form", () => Hash(canon, each: true)),
            ("JsonDocument.Parse of each record", () =>
            {
                foreach (var r in records)
                {
                    using var d = JsonDocument.Parse(r);
                }
            }),
            ("privacy pass (id + parse included)", () =>
            {
                for (var i = 0; i < records.Count; i++)
                {
                    using var s = RecordProcessor.Sanitize(sanitizer, records[i], categories[i]);
                }
            }),
        };
        var best = timings.Select(_ => TimeSpan.MaxValue).ToArray();
        for (var round = 0; round < 9; round++)
        {
            for (var i = 0; i < timings.Count; i++)
            {
                var clock = Stopwatch.StartNew();
                timings[i].Action();
                best[i] = clock.Elapsed < best[i] ? clock.Elapsed : best[i];
            }
        }

        for (var i = 0; i < timings.Count; i++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {timings[i].Name,-48} {best[i].TotalMilliseconds * 1000 / records.Count,6:N2} µs/record  {bytes / 1_048_576.0 / best[i].TotalSeconds,8:N1} MiB/s of bodies  {best[i].TotalSeconds / best[0].TotalSeconds,6:N2}× the scan"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {records.Count:N0} records, {recordBytes / (double)records.Count:N0} bytes each, canonical {canon.Sum(c => (long)c.Length) / (double)records.Count:N0}"));
    }

    /// <summary>SHA-256 of each item (finished per item, as a record id is) or of all of them as one stream.</summary>
    private static void Hash(List<ReadOnlyMemory<byte>> items, bool each)
    {
        Span<byte> hash = stackalloc byte[32];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in items)
        {
            sha.AppendData(item.Span);
            if (each)
            {
                sha.GetHashAndReset(hash);
            }
        }

        sha.GetHashAndReset(hash);
    }
}
