using AcsFunctions.Backfill;

namespace AcsFunctions.Tests.Backfill;

public sealed class ArchiveBlobPathTests
{
    private const string Name = "resourceId=/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/RESOURCEGROUPS/RG-COMMS/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD/y=2025/m=03/d=04/h=10/m=00/PT1H.json";

    [Fact]
    public void TryParse_ArchiveBlobName_ResourceAndHour()
    {
        Assert.True(ArchiveBlobPath.TryParse(Name, out var path));
        Assert.Equal("/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/RESOURCEGROUPS/RG-COMMS/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD", path!.ResourceId);
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero), path.Hour);
    }

    [Fact]
    public void Format_LowerCaseResourceId_RoundTripsToTheArchiveName()
    {
        var name = ArchiveBlobPath.Format("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-comms/providers/Microsoft.Communication/CommunicationServices/acs-prod", new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero));

        Assert.Equal(Name, name);
    }

    [Theory]
    [InlineData("resourceId=/SUBSCRIPTIONS/S/X/y=2025/m=13/d=04/h=10/m=00/PT1H.json")]
    [InlineData("resourceId=/SUBSCRIPTIONS/S/X/y=2025/m=02/d=30/h=10/m=00/PT1H.json")]
    [InlineData("resourceId=/SUBSCRIPTIONS/S/X/y=2025/m=03/d=04/h=24/m=00/PT1H.json")]
    [InlineData("resourceId=/SUBSCRIPTIONS/S/X/y=2025/m=03/d=04/h=10/m=00/PT1H.txt")]
    [InlineData("other/SUBSCRIPTIONS/S/X/y=2025/m=03/d=04/h=10/m=00/PT1H.json")]
    [InlineData("resourceId=/SUBSCRIPTIONS/S/X/y=2025/m=03/d=04/PT1H.json")]
    public void TryParse_NotAnHourlyArchiveBlob_False(string name) => Assert.False(ArchiveBlobPath.TryParse(name, out _));

    [Theory]
    [InlineData("ChatOperational", "insights-logs-chatoperational")]
    [InlineData(" CallSummary ", "insights-logs-callsummary")]
    public void ArchiveContainers_For_LowerCasedCategory(string category, string container)
    {
        Assert.Equal(container, ArchiveContainers.For(category));
        Assert.Equal(category.Trim().ToLowerInvariant(), ArchiveContainers.CategoryOf(container));
    }
}
