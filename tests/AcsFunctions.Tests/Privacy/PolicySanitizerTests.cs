using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AcsFunctions.Privacy;
using AcsFunctions.Schemas;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Tests.Privacy;

public sealed class PolicySanitizerTests
{
    private const string Key = "unit-test-key-0123456789";
    private const string Identity = "8:acs:11111111-2222-3333-4444-555555555555_00000021-aaaa-bbbb-cccc-0d00e5b6f7a8";

    private static PolicySanitizer Create(Dictionary<string, Dictionary<string, string>>? fields = null) =>
        new(new PrivacyPolicy(Options.Create(new PrivacyOptions { HashKey = Key, Fields = fields ?? [] }), CategoryModuleRegistration.PersonalFields(SchemaHandlerRegistration.BuiltIn)));

    private static string Sanitize(PolicySanitizer sanitizer, string category, string json)
    {
        using var document = JsonDocument.Parse(json);
        using var result = sanitizer.Sanitize(category, document.RootElement);
        return Encoding.UTF8.GetString(result.Utf8.Span);
    }

    [Fact]
    public void Sanitize_NothingPersonal_SameElement()
    {
        using var document = JsonDocument.Parse("""{"time":"2025-03-04T10:15:02Z","category":"RoomsOperational","properties":{"RoomId":"9946","callerIpAddress":"null"}}""");

        using var result = Create().Sanitize("RoomsOperational", document.RootElement);

        // The very same element (same underlying memory), not an equal copy.
        Assert.True(Unsafe.AreSame(
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(document.RootElement)),
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(result.Element))));
        Assert.Equal(document.RootElement.GetRawText(), Encoding.UTF8.GetString(result.Utf8.Span));
    }

    [Fact]
    public void Sanitize_SmsRecord_HashesMasksAndScrubs()
    {
        var json = Sanitize(Create(), "SMSOperational", """
            {"category":"SMSOperational","callerIpAddress":"198.51.100.7","resultDescription":"Sent to +14255550123",
             "properties":{"PhoneNumber":"+18445791704","URI":"https://acs.communication.azure.com/sms?api-version=2021-03-07&to=%2B14255550123","Country":"US"}}
            """);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var hasher = new KeyedHasher(Key);

        Assert.Equal("198.51.100.0/24", root.GetProperty("callerIpAddress").GetString());
        Assert.Equal("Sent to " + hasher.Hash("+14255550123"), root.GetProperty("resultDescription").GetString());
        Assert.Equal(hasher.Hash("+18445791704"), root.GetProperty("properties").GetProperty("PhoneNumber").GetString());
        Assert.Equal("https://acs.communication.azure.com/sms?api-version=2021-03-07&to=*", root.GetProperty("properties").GetProperty("URI").GetString());
        Assert.Equal("US", root.GetProperty("properties").GetProperty("Country").GetString());
    }

    [Fact]
    public void Sanitize_SameIdentityInTwoCategories_SameHash()
    {
        var sanitizer = Create();
        var summary = Sanitize(sanitizer, "CallSummary", $$$"""{"properties":{"identifier":"{{{Identity[2..]}}}"}}""");
        var chat = Sanitize(sanitizer, "ChatOperational", $$$"""{"properties":{"UserId":"{{{Identity}}}"}}""");

        using var a = JsonDocument.Parse(summary);
        using var b = JsonDocument.Parse(chat);
        Assert.Equal(a.RootElement.GetProperty("properties").GetProperty("identifier").GetString(), b.RootElement.GetProperty("properties").GetProperty("UserId").GetString());
    }

    [Fact]
    public void Sanitize_PropertiesAsJsonString_RewrittenInside()
    {
        var json = Sanitize(Create(), "Usage", """{"category":"Usage","properties":"{\"UserIdA\":\"+14255550123\",\"Quantity\":2}"}""");

        Assert.DoesNotContain("4255550123", json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        using var inner = JsonDocument.Parse(doc.RootElement.GetProperty("properties").GetString()!);
        Assert.Equal(2, inner.RootElement.GetProperty("Quantity").GetInt32());
    }

    [Fact]
    public void Sanitize_RulesApplyButChangeNothing_SameElement()
    {
        // Every ruled field is already in its masked form: the record is written once while it is checked, and that
        // copy is dropped (not parsed) because nothing differs.
        using var document = JsonDocument.Parse("""
            {"time":"2025-03-04T10:15:02Z","category":"CallAutomationOperational","callerIpAddress":"203.0.113.0/24","properties":{"URI":"https://acs.communication.azure.com/calling/callConnections/39e4f95b?api-version=2023-10-15","identifier":"h:0123456789abcdef01234567"}}
            """);

        using var result = Create().Sanitize("CallAutomationOperational", document.RootElement);

        Assert.True(Unsafe.AreSame(
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(document.RootElement)),
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(result.Element))));
    }

    [Theory]
    [InlineData("""{"time":"2025-03-04T10:15:02Z","category":"RoomsOperational","properties":{"RoomId":"\uD800x"}}""")]
    [InlineData("""{"time":"2025-03-04T10:15:02Z","category":"RoomsOperational","properties":{"Extra":{"Inner":[{"\uD800x":"v"}]}}}""")]
    public void Sanitize_NothingToRewrite_TextTheWriterRefuses_SameElement(string json)
    {
        // A lone surrogate escape (in a value, or in a member name nested below a member no rule names, which the
        // look for work decodes) cannot be written back as UTF-8: a record with nothing to rewrite is stored as it
        // arrived (as before the single walk) instead of failing.
        using var document = JsonDocument.Parse(json);

        using var result = Create().Sanitize("RoomsOperational", document.RootElement);

        Assert.True(Unsafe.AreSame(
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(document.RootElement)),
            ref MemoryMarshal.GetReference(JsonMarshal.GetRawUtf8Value(result.Element))));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"null\"")]
    [InlineData("\"\"")]
    [InlineData("\"-\"")]
    [InlineData("\"Redacted\"")]
    public void Sanitize_AbsentValues_LeftAlone(string value)
    {
        var json = $$$"""{"category":"CallSummary","properties":{"identifier":{{{value}}}}}""";

        Assert.Equal(json, Sanitize(Create(), "CallSummary", json));
    }

    [Fact]
    public void Sanitize_Overrides_KeepAndDrop()
    {
        var sanitizer = Create(new(StringComparer.OrdinalIgnoreCase)
        {
            ["SMSOperational"] = new(StringComparer.OrdinalIgnoreCase) { ["PhoneNumber"] = "keep" },
            ["All"] = new(StringComparer.OrdinalIgnoreCase) { ["callerIpAddress"] = "drop" },
        });

        var json = Sanitize(sanitizer, "SMSOperational", """{"callerIpAddress":"198.51.100.7","properties":{"PhoneNumber":"+18445791704"}}""");

        Assert.Equal("""{"properties":{"PhoneNumber":"+18445791704"}}""", json);
    }

    [Fact]
    public void Sanitize_UnknownCategory_EveryStringScrubbedButEnvelope()
    {
        var json = Sanitize(Create(), "BrandNewOperational", """
            {"time":"2025-03-04T10:15:02Z","category":"BrandNewOperational","correlationId":"a+14255550123b","operationName":"Do",
             "properties":{"Contact":"jane.doe@contoso.com","Nested":{"Ip":["203.0.113.77"]},"Count":3}}
            """);

        Assert.DoesNotContain("jane.doe", json, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.77", json, StringComparison.Ordinal);
        Assert.Contains("\"correlationId\":\"a+14255550123b\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Count\":3", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Sanitize_FreeTextObject_ScrubbedStructurally()
    {
        var json = Sanitize(Create(), "CallClientOperations", """{"properties":{"OperationPayload":{"Remote":"203.0.113.77","StreamId":2}}}""");

        Assert.Equal("""{"properties":{"OperationPayload":{"Remote":"203.0.113.0/24","StreamId":2}}}""", json);
    }

    [Fact]
    public void Sanitize_PersonalFieldsNestedInObjectsAndArrays_HashedAtAnyDepth()
    {
        // A personal field name inside an object or an array of objects within properties (or anything an ACS schema
        // change nests) gets its rule as it does at the top level: nothing personal is stored as received.
        var sanitizer = Create();
        var hasher = new KeyedHasher(Key);
        var json = Sanitize(sanitizer, "SMSOperational", """
            {"category":"SMSOperational","properties":{"Country":"US","Recipients":[{"PhoneNumber":"+18445791704","Status":"Sent"},{"PhoneNumber":"+14255550123"}],
             "Route":{"Hop":{"RecipientId":"jane.doe@contoso.com","Attempts":2}}},"extra":{"callerIpAddress":"198.51.100.7"}}
            """);
        var summary = Sanitize(sanitizer, "CallSummary", $$$"""
            {"category":"CallSummary","properties":{"participants":[{"identifier":"{{{Identity}}}","role":"Presenter"},{"identifier":"null"}]}}
            """);

        using var doc = JsonDocument.Parse(json);
        var properties = doc.RootElement.GetProperty("properties");
        Assert.Equal(hasher.Hash("+18445791704"), properties.GetProperty("Recipients")[0].GetProperty("PhoneNumber").GetString());
        Assert.Equal("Sent", properties.GetProperty("Recipients")[0].GetProperty("Status").GetString());
        Assert.Equal(hasher.Hash("+14255550123"), properties.GetProperty("Recipients")[1].GetProperty("PhoneNumber").GetString());
        Assert.Equal(hasher.Hash("jane.doe@contoso.com"), properties.GetProperty("Route").GetProperty("Hop").GetProperty("RecipientId").GetString());
        Assert.Equal(2, properties.GetProperty("Route").GetProperty("Hop").GetProperty("Attempts").GetInt32());
        Assert.Equal("198.51.100.0/24", doc.RootElement.GetProperty("extra").GetProperty("callerIpAddress").GetString());
        Assert.Equal(
            $$$"""{"category":"CallSummary","properties":{"participants":[{"identifier":"{{{hasher.Hash(Identity)}}}","role":"Presenter"},{"identifier":"null"}]}}""",
            summary);
    }

    [Fact]
    public void Sanitize_NestedPersonalFields_PerCategoryOverridesApply()
    {
        var sanitizer = Create(new(StringComparer.OrdinalIgnoreCase)
        {
            ["SMSOperational"] = new(StringComparer.OrdinalIgnoreCase) { ["PhoneNumber"] = "keep" },
            ["All"] = new(StringComparer.OrdinalIgnoreCase) { ["RecipientId"] = "drop" },
        });

        var json = Sanitize(sanitizer, "SMSOperational", """{"properties":{"Recipients":[{"PhoneNumber":"+18445791704","RecipientId":"x@contoso.com"}]}}""");
        var other = Sanitize(sanitizer, "ChatOperational", """{"properties":{"Members":[{"PhoneNumber":"+18445791704"}]}}""");

        Assert.Equal("""{"properties":{"Recipients":[{"PhoneNumber":"+18445791704"}]}}""", json);
        Assert.Equal($$$"""{"properties":{"Members":[{"PhoneNumber":"{{{new KeyedHasher(Key).Hash("+18445791704")}}}"}]}}""", other);
    }

    [Fact]
    public void Sanitize_NestedPersonalContainer_TreatedAsAtTheTopLevel()
    {
        // A container under a personal name is handled by that name's rule as a whole, as at the top level: a hashed
        // field's object or array becomes the hash of its JSON text; a free-text one is scrubbed string by string.
        var sanitizer = Create();
        var json = Sanitize(sanitizer, "CallSummary", $$$"""
            {"properties":{"participants":[{"identifier":{"rawId":"{{{Identity}}}","kind":"communicationUser"} }],
             "debug":{"CallDebuggingInfo":{"from":"jane.doe@contoso.com","n":1} } } }
            """);

        Assert.DoesNotContain("jane.doe", json, StringComparison.Ordinal);
        Assert.DoesNotContain(Identity, json, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        var properties = doc.RootElement.GetProperty("properties");
        Assert.Equal(
            new KeyedHasher(Key).Hash($$$"""{"rawId":"{{{Identity}}}","kind":"communicationUser"}"""),
            properties.GetProperty("participants")[0].GetProperty("identifier").GetString());
        Assert.Equal(1, properties.GetProperty("debug").GetProperty("CallDebuggingInfo").GetProperty("n").GetInt32());
    }

    [Fact]
    public void Sanitize_UnknownCategory_NestedPersonalFieldHashedNotOnlyScrubbed()
    {
        // An identifier no pattern recognises is still hashed when its name says what it is, at any depth.
        var json = Sanitize(Create(), "BrandNewOperational", """{"category":"BrandNewOperational","properties":{"Nested":[{"UserId":"bob-1234"}]}}""");

        Assert.DoesNotContain("bob-1234", json, StringComparison.Ordinal);
    }

    [Fact]
    public void SanitizeUnparsed_ScrubsByPattern()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"broken\": jane.doe@contoso.com, 2001:db8:85a3:8d3:1319:8a2e:370:7348");

        var text = Encoding.UTF8.GetString(Create().SanitizeUnparsed(bytes).Span);

        Assert.DoesNotContain("jane.doe", text, StringComparison.Ordinal);
        Assert.DoesNotContain("8a2e", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NoKeyWithoutDevelopmentFallback_NamesTheSetting()
    {
        var errors = Validate(new PrivacyOptions());

        var error = Assert.Single(errors);
        Assert.Contains("AcsFunctions:Privacy:HashKey", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("AcsFunctions__Privacy__HashKey", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DevelopmentFallbackOrBadValues()
    {
        Assert.Empty(Validate(new PrivacyOptions { AllowDevelopmentKey = true }));
        Assert.Single(Validate(new PrivacyOptions { HashKey = "short" }));
        Assert.Single(Validate(new PrivacyOptions { HashKey = PrivacyOptions.DevelopmentKey }));
        Assert.Single(Validate(new PrivacyOptions
        {
            HashKey = Key,
            Fields = new() { ["Usage"] = new() { ["UserIdA"] = "encrypt" } },
        }));
    }

    private static List<ValidationResult> Validate(PrivacyOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
