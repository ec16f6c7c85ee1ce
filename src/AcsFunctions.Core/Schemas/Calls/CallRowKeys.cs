using System.Globalization;
using AcsFunctions.Storage;

namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// Row keys of call records inside their call partition: the logical key plus the zero-padded
/// <c>callUpdatesVersion</c>, so every version is kept and the highest wins at read time whatever order they
/// arrived in (plain CallSummary/CallDiagnostics are version 0).
/// <list type="bullet">
/// <item>summary: <c>S|&lt;participantId or endpointId&gt;|v000002</c></item>
/// <item>diagnostics: <c>D|&lt;participantId or endpointId&gt;|&lt;mediaType&gt;|&lt;streamId&gt;|v000000</c></item>
/// </list>
/// </summary>
public static class CallRowKeys
{
    /// <summary>Highest version that fits the 6-digit suffix.</summary>
    public const int MaxVersion = 999_999;

    /// <summary>The key of a summary.</summary>
    public static string Summary(string legId, int version) => WithVersion(KeyEncoder.Join("S", legId), version);

    /// <summary>The key of a diagnostics (stream) record.</summary>
    public static string Diagnostics(string legId, string mediaType, string streamId, int version) =>
        WithVersion(KeyEncoder.Join("D", legId, mediaType, streamId), version);

    /// <summary>
    /// Appends the version suffix to a logical key, shortening an over-long logical key first so the suffix always
    /// survives (a capped key that lost its version would let versions overwrite each other).
    /// </summary>
    public static string WithVersion(string logicalKey, int version) =>
        KeyEncoder.Cap(logicalKey, KeyEncoder.MaxKeyLength - 8) + "|" + VersionSuffix(version);

    /// <summary>The <c>v000002</c> suffix (clamped to 0…<see cref="MaxVersion"/>).</summary>
    public static string VersionSuffix(int version) =>
        "v" + Math.Clamp(version, 0, MaxVersion).ToString("D6", CultureInfo.InvariantCulture);
}
