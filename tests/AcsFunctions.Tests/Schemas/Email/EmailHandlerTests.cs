using AcsFunctions.Dispatch;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Schemas.Email;

[Collection(AzuriteCollection.Name)]
public sealed class EmailHandlerTests(AzuriteFixture azurite)
{
    private const string MessageId = "6f1c2f3e-7a1b-4c2d-9e8f-0a1b2c3d4e5f";

    [Fact]
    public async Task SendMail_CountsAndSize()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("email.json")]);

        var sends = await StoredRecords.OfCategoryAsync(storage, Categories.EmailSendMailOperational);
        Assert.Equal(2, sends.Count);
        var first = Assert.Single(sends, s => s.GetString("MessageId") == MessageId);
        Assert.Equal(0.026019, first.GetDouble("Size"));
        Assert.Equal(2L, first.GetInt64("ToRecipientsCount"));
        Assert.Equal(3L, first.GetInt64("CcRecipientsCount"));
        Assert.Equal(1L, first.GetInt64("BccRecipientsCount"));
        Assert.Equal(6L, first.GetInt64("UniqueRecipientsCount"));
        Assert.Equal(0L, first.GetInt64("AttachmentsCount"));
        Assert.Equal("Email .NET SDK", first.GetString("TrafficSource"));
        Assert.Equal("westeurope", first.GetString("Location"));
    }

    [Fact]
    public async Task StatusUpdate_DeliveryStatusHardBounceSmtpCodesSenderDomain()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("email.json")]);

        var updates = await StoredRecords.OfCategoryAsync(storage, Categories.EmailStatusUpdateOperational);
        Assert.Equal(4, updates.Count);

        var bounce = Assert.Single(updates, u => u.GetString("DeliveryStatus") == "Failed");
        Assert.True(bounce.GetBoolean("IsHardBounce"));
        Assert.False(bounce.GetBoolean("Delivered"));
        Assert.Equal("550", bounce.GetString("SmtpStatusCode"));
        Assert.Equal("5.1.1", bounce.GetString("EnhancedSmtpStatusCode"));
        Assert.Equal("RecipientNotFound", bounce.GetString("FailureReason"));
        Assert.Equal("contoso.com", bounce.GetString("SenderDomain"));
        Assert.Equal(MessageId, bounce.GetString("MessageId"));

        var delivered = Assert.Single(updates, u => u.GetString("DeliveryStatus") == "Delivered");
        Assert.True(delivered.GetBoolean("Delivered"));
        Assert.False(delivered.GetBoolean("IsHardBounce"));
        Assert.Equal("250", delivered.GetString("SmtpStatusCode"));

        var interim = Assert.Single(updates, u => u.GetString("DeliveryStatus") == "OutForDelivery");
        Assert.True(interim.GetBoolean("Interim"));
        Assert.False(interim.ContainsKey("RecipientId"));

        var quarantined = Assert.Single(updates, u => u.GetString("DeliveryStatus") == "Quarantined");
        Assert.False(quarantined.GetBoolean("IsHardBounce")); // arrived as the string "false"
        Assert.Equal("contoso.com", quarantined.GetString("SenderDomain")); // arrived as "Contoso.com"
    }

    [Fact]
    public async Task Engagement_Type()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("email.json")]);

        var engagements = await StoredRecords.OfCategoryAsync(storage, Categories.EmailUserEngagementOperational);
        Assert.Equal(["Click", "View"], engagements.Select(e => e.GetString("EngagementType")).Order(StringComparer.Ordinal));
        var click = Assert.Single(engagements, e => e.GetString("EngagementType") == "Click");
        // The clicked URL passed the privacy policy before the handler: query values are masked (they often carry tokens).
        Assert.Equal("https://www.contoso.com/support?id=*", click.GetString("EngagementContext"));
        Assert.Equal(MessageId, click.GetString("MessageId"));
    }

    [Theory]
    [InlineData("delivered", "Delivered")]
    [InlineData("FILTEREDSPAM", "FilteredSpam")]
    [InlineData("SomethingNew", "SomethingNew")]
    public async Task StatusUpdate_StatusSpellingNormalised(string raw, string expected)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(StoredRecords.Record(
            Categories.EmailStatusUpdateOperational, "DeliveryStatusUpdate", new { DeliveryStatus = raw, SenderDomain = "contoso.com" }, MessageId))]);

        var row = await StoredRecords.SingleAsync(storage, Categories.EmailStatusUpdateOperational);
        Assert.Equal(expected, row.GetString("DeliveryStatus"));
        Assert.Equal(expected == "Delivered", row.GetBoolean("Delivered"));
    }
}
