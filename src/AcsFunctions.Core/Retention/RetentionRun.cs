using AcsFunctions.Storage;

namespace AcsFunctions.Retention;

/// <summary>What one run counts across tables.</summary>
internal sealed class RetentionRun(bool dryRun)
{
    private long _transactions;

    public bool DryRun { get; } = dryRun;

    public ReadCost Expired { get; } = new();

    public ReadCost Guards { get; } = new();

    public long Transactions => Interlocked.Read(ref _transactions);

    public void Transaction() => Interlocked.Increment(ref _transactions);
}
