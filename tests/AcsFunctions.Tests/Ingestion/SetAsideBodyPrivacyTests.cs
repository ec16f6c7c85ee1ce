using System.Text;
using AcsFunctions.Ingestion;
using AcsFunctions.Privacy;
using AcsFunctions.Schemas;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// A body set aside whole (<c>batch-failed</c>) is filtered record by record (<see cref="DeadLetterRows.SanitizeWhole"/>):
/// nothing of it is dropped, and every record is filtered, also when the body repeats its <c>records</c> member.
/// </summary>
public sealed class SetAsideBodyPrivacyTests
{
    [Fact]
    public void A_body_that_repeats_records_keeps_every_array_each_filtered()
    {
        // URI is a rule of every category (PersonalFields.Common): no category module is needed for it.
        var policy = new PrivacyPolicy(Options.Create(new PrivacyOptions { HashKey = "set-aside-key-0123456789abcdef" }), CategoryModuleRegistration.PersonalFields([]));
        var rows = new DeadLetterRows(new PolicySanitizer(policy), NullLogger.Instance);
        const string Body = """
            {"records":[{"category":"AuthOperational","operationName":"A","properties":{"URI":"https://x.example/a?code=FIRSTSECRET"}}],
             "records":[{"category":"AuthOperational","operationName":"B","properties":{"URI":"https://x.example/b?code=SECONDSECRET"}}]}
            """;

        var filtered = Encoding.UTF8.GetString(rows.SanitizeWhole(Encoding.UTF8.GetBytes(Body))!.Value.Span);

        Assert.Contains("\"operationName\":\"A\"", filtered, StringComparison.Ordinal);
        Assert.Contains("\"operationName\":\"B\"", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("FIRSTSECRET", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("SECONDSECRET", filtered, StringComparison.Ordinal);
    }
}
