using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Storage;

/// <summary>
/// The app's own entity-group transactions (<see cref="TransactionSender"/>): the request is the Tables SDK's, byte for
/// byte (the SDK's is the one the real service is known to accept), the signature is the SDK's, and against Azurite
/// the rows read back as the SDK's do and a refused transaction fails as the SDK's does.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class TransactionSenderTests(AzuriteFixture azurite)
{
    private const string Account = "devstoreaccount1";
    private static readonly byte[] Key = Enumerable.Range(0, 64).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public async Task TheBody_IsTheSdksRequest_ByteForByte_ForEveryActionAndValueType()
    {
        var endpoint = new Uri("https://acct.table.core.windows.net");
        var actions = EveryAction();
        var sdk = await SdkRequestAsync(endpoint, "AcsRecords", actions);
        var batch = Boundary().Match(sdk.ContentType).Groups[1].Value;
        var changeset = Regex.Match(sdk.Body, "boundary=(changeset_[0-9a-f-]+)").Groups[1].Value;
        var ours = new ArrayBufferWriter<byte>();

        Assert.True(TransactionBody.TryWrite(ours, endpoint.AbsoluteUri.TrimEnd('/'), "AcsRecords", actions, batch, changeset));

        Assert.False(string.IsNullOrEmpty(changeset));
        Assert.Equal(sdk.Body, Encoding.UTF8.GetString(ours.WrittenSpan));
        Assert.Equal("2020-12-06", sdk.Headers["x-ms-version"]);
        Assert.Equal(TransactionSender.ServiceVersion, sdk.Headers["x-ms-version"]);
        Assert.Equal("3.0", sdk.Headers["DataServiceVersion"]);
        Assert.Equal("application/json", sdk.Headers["Accept"]);
    }

    [Fact]
    public async Task TextKeptAsUtf8_IsWrittenAsTheSdkWritesTheString_ByteForByte_ForEveryCharacter()
    {
        // Every BMP scalar value and every 97th supplementary one, in properties of 4,096 characters: the UTF-8 the
        // writer copies must come out escaped exactly as the SDK escapes the string (controls, quotes, HTML-sensitive
        // characters, non-ASCII, U+2028, surrogate pairs).
        var scalars = Enumerable.Range(0, 0x110000).Where(c => c < 0xD800 || (c > 0xDFFF && (c <= 0xFFFF || c % 97 == 0))).Select(char.ConvertFromUtf32);
        var texts = scalars.Chunk(4096).Select(chunk => string.Concat(chunk)).Append("a\"b\\c é\u2028<>&'\n\t😀+`").Append(string.Empty).ToList();
        var asStrings = new TableEntity("p", "r");
        var asUtf8 = new TableEntity("p", "r");
        for (var i = 0; i < texts.Count; i++)
        {
            asStrings["T" + i] = texts[i];
            var utf8 = Utf8Text.TryCreate(Encoding.UTF8.GetBytes(texts[i]));
            Assert.NotNull(utf8);
            Assert.Equal(texts[i].Length, utf8.Length);
            Assert.Equal(texts[i], utf8.ToString());
            asUtf8["T" + i] = utf8;
        }

        var endpoint = new Uri("https://acct.table.core.windows.net");
        var sdk = await SdkRequestAsync(endpoint, "AcsRecords", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, asStrings)]);
        var batch = Boundary().Match(sdk.ContentType).Groups[1].Value;
        var changeset = Regex.Match(sdk.Body, "boundary=(changeset_[0-9a-f-]+)").Groups[1].Value;
        var ours = new ArrayBufferWriter<byte>();

        Assert.True(TransactionBody.TryWrite(ours, endpoint.AbsoluteUri.TrimEnd('/'), "AcsRecords", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, asUtf8)], batch, changeset));

        Assert.Equal(sdk.Body, Encoding.UTF8.GetString(ours.WrittenSpan));
        Assert.Equal(EntityLimits.EstimateSize(asStrings), EntityLimits.EstimateSize(asUtf8)); // the same transactions are planned
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xED, 0xA0, 0x80, 0x62 })] // a surrogate encoded on its own
    [InlineData(new byte[] { 0x61, 0xC0, 0x80 })] // an overlong encoding
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 })] // a cut sequence
    [InlineData(new byte[] { 0xFF })]
    public void InvalidUtf8_IsKeptAsTheStringDecodingMakes_AsBefore(byte[] bytes)
    {
        Assert.Null(Utf8Text.TryCreate(bytes));
        var entity = new TableEntity("p", "r");

        Assert.True(PayloadColumns.TryAdd(entity, bytes));

        Assert.Equal(Encoding.UTF8.GetString(bytes), Assert.IsType<string>(entity[PayloadColumns.Raw]));
    }

    [Fact]
    public void TextKeptAsUtf8_IsCheckedAgainstTheStringLimit_InCharacters()
    {
        var fits = new TableEntity("p", "r") { ["Text"] = Utf8Text.TryCreate(Encoding.UTF8.GetBytes(new string('é', EntityLimits.MaxStringChars))) };
        var over = new TableEntity("p", "r") { ["Text"] = Utf8Text.TryCreate(Encoding.UTF8.GetBytes(new string('é', EntityLimits.MaxStringChars + 1))) };

        Assert.Null(EntityLimits.Validate(fits)); // 65,536 bytes, 32,768 characters: the service counts characters
        Assert.Equal($"property 'Text' has {EntityLimits.MaxStringChars + 1} characters (limit {EntityLimits.MaxStringChars})", EntityLimits.Validate(over));
    }

    [Fact]
    public async Task APayloadKeptAsUtf8_ReadsBackAsItsBytes_AndTheSdkPathsWriteItsString()
    {
        var text = "{\"category\":\"x\",\"name\":\"Zoë 😀\"}";
        var bytes = Encoding.UTF8.GetBytes(text);
        var entity = new TableEntity("p", "utf8");
        Assert.True(PayloadColumns.TryAdd(entity, bytes));
        Assert.IsType<Utf8Text>(entity[PayloadColumns.Raw]);
        Assert.Equal(bytes, await PayloadColumns.ReadAsync(entity, null));
        Assert.Equal(text, PayloadColumns.Text(entity));

        await using var sdk = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:DirectTransactions"] = "false" });
        await sdk.Storage.EnsureTableAsync("Utf8");
        await sdk.Storage.SubmitTransactionAsync("Utf8", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity)]);

        Assert.Equal(text, Assert.IsType<string>(entity[PayloadColumns.Raw])); // handed to the SDK as its string
        Assert.Equal(text, (await sdk.Storage.GetTable("Utf8").GetEntityAsync<TableEntity>("p", "utf8")).Value.GetString(PayloadColumns.Raw));
    }

    [Fact]
    public async Task TheSignature_IsTheSdksSharedKeyLiteSignature()
    {
        var endpoint = new Uri("http://127.0.0.1:10002/devstoreaccount1");
        var sdk = await SdkRequestAsync(endpoint, "AcsRecords", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "r"))]);

        var ours = TransactionSender.SharedKeyLitePolicy.Authorization(Account, Key, sdk.Headers["x-ms-date"], sdk.Uri);

        Assert.StartsWith("SharedKeyLite devstoreaccount1:", sdk.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal(sdk.Headers["Authorization"], ours);

        // Host-style, as the real service is addressed.
        var real = await SdkRequestAsync(new Uri("https://devstoreaccount1.table.core.windows.net"), "AcsRecords", [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "r"))]);
        Assert.Equal(new Uri("https://devstoreaccount1.table.core.windows.net/$batch"), real.Uri);
        Assert.Equal(real.Headers["Authorization"], TransactionSender.SharedKeyLitePolicy.Authorization(Account, Key, real.Headers["x-ms-date"], real.Uri));
    }

    [Fact]
    public async Task TheSender_DatesAndSignsEveryRequest_AsTheSdksPolicyDoes()
    {
        var capture = new Capture();
        var options = new TableClientOptions { Transport = capture };
        options.Retry.MaxRetries = 0;
        var sender = TransactionSender.ForConnectionString($"AccountName={Account};AccountKey={Convert.ToBase64String(Key)}", new Uri("https://devstoreaccount1.table.core.windows.net"), options)!;

        await Assert.ThrowsAnyAsync<Exception>(() => sender.TrySubmitAsync("AcsRecords", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "r"))], CancellationToken.None));

        var date = DateTimeOffset.ParseExact(capture.Headers["x-ms-date"], "R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - date, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(1)); // the wall clock: the service allows 15 minutes of skew
        Assert.Equal(TransactionSender.SharedKeyLitePolicy.Authorization(Account, Key, capture.Headers["x-ms-date"], capture.Uri), capture.Headers["Authorization"]);
        Assert.Equal(TransactionSender.ServiceVersion, capture.Headers["x-ms-version"]);
        Assert.Matches("^multipart/mixed; boundary=batch_[0-9a-f-]{36}$", capture.ContentType);
        Assert.StartsWith("--" + capture.ContentType["multipart/mixed; boundary=".Length..] + "\r\n", capture.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void AValueOfATypeTheWriterDoesNotKnow_IsLeftToTheSdk()
    {
        ITableEntity[] unknown =
        [
            new TableEntity("p", "r") { ["Single"] = 1.5f },
            new TableEntity("p", "r") { ["Infinite"] = double.PositiveInfinity },
            new TableEntity("p", "r") { ["Local"] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Local) },
            new TableEntity("p", "r") { ["Unspecified"] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Unspecified) },
            new NotADictionary(),
        ];

        Assert.All(unknown, entity => Assert.False(TransactionBody.TryWrite(new ArrayBufferWriter<byte>(), "https://acct.table.core.windows.net", "t", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity)], "batch_1", "changeset_1")));
        Assert.True(TransactionBody.TryWrite(new ArrayBufferWriter<byte>(), "https://acct.table.core.windows.net", "t", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "r") { ["Fine"] = 1.5 })], "batch_1", "changeset_1"));
    }

    [Fact]
    public async Task CosmosEndpoints_AndAnEmptyTransaction_AreLeftToTheSdk()
    {
        var key = $"AccountName=acct;AccountKey={Convert.ToBase64String(Key)}";

        Assert.Null(TransactionSender.ForConnectionString(key, new Uri("https://acct.table.cosmos.azure.com"), new TableClientOptions()));
        Assert.Null(TransactionSender.ForToken(new FixedToken("t"), new Uri("https://acct.table.cosmos.azure.com"), new TableClientOptions()));
        var sender = TransactionSender.ForConnectionString(key, new Uri("https://acct.table.core.windows.net"), new TableClientOptions())!;
        Assert.False(await sender.TrySubmitAsync("t", [], CancellationToken.None));
    }

    private sealed class NotADictionary : ITableEntity
    {
        public string PartitionKey { get; set; } = "p";

        public string RowKey { get; set; } = "r";

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }
    }

    [Fact]
    public async Task AgainstAzurite_EveryValueReadsBackAsTheSdkWroteIt_AndAnUnknownTypeStillLands()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var sender = storage.Storage.Transactions;
        Assert.NotNull(sender);
        var table = storage.Storage.GetTable("Direct");
        await table.CreateIfNotExistsAsync();
        var viaSdk = Values(new TableEntity("p'k ä%", "by-sdk"));
        var viaUs = Values(new TableEntity("p'k ä%", "by-us"));
        var single = new TableEntity("p'k ä%", "single") { ["Single"] = 1.5f };

        await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.UpsertReplace, viaSdk)]);
        await storage.Storage.SubmitTransactionAsync("Direct", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, viaUs)]);
        await storage.Storage.SubmitTransactionAsync("Direct", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, single)]);

        var sdkRow = (await table.GetEntityAsync<TableEntity>("p'k ä%", "by-sdk")).Value;
        var ourRow = (await table.GetEntityAsync<TableEntity>("p'k ä%", "by-us")).Value;
        Assert.Equal(Comparable(sdkRow), Comparable(ourRow));
        Assert.Equal(Comparable(viaUs).Count, Comparable(ourRow).Count); // every non-null value came back
        Assert.Equal(17, Comparable(ourRow).Count);
        Assert.Equal(1.5, (await table.GetEntityAsync<TableEntity>("p'k ä%", "single")).Value.GetDouble("Single"));
        Assert.Equal(1, sender.Sent); // the one with a single-precision value went to the SDK
        Assert.Equal(1, sender.HandedToSdk);
    }

    [Fact]
    public async Task AgainstAzurite_ARefusedActionFailsAsTheSdksDoes_AndNothingOfTheTransactionIsApplied()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var table = storage.Storage.GetTable("Refused");
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "old"));
        var etag = (await table.GetEntityAsync<TableEntity>("p", "old")).Value.ETag;
        await table.UpsertEntityAsync(new TableEntity("p", "old") { ["Changed"] = true }); // the ETag above is stale now
        TableTransactionAction[] Actions(string row) =>
        [
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", row)),
            new(TableTransactionActionType.Delete, new TableEntity("p", "old"), etag),
        ];

        var sdk = await Assert.ThrowsAnyAsync<RequestFailedException>(() => table.SubmitTransactionAsync(Actions("by-sdk")));
        var ours = await Assert.ThrowsAnyAsync<RequestFailedException>(() => storage.Storage.Transactions!.TrySubmitAsync(storage.Storage.PhysicalName("Refused"), Actions("by-us"), CancellationToken.None));

        Assert.Equal(412, ours.Status);
        Assert.Equal(sdk.Status, ours.Status);
        Assert.Equal(sdk.ErrorCode, ours.ErrorCode);
        Assert.StartsWith("1:", ours.Message, StringComparison.Ordinal); // the index of the refused action, as the service words it
        Assert.False(TransientErrors.IsTransient(ours));
        Assert.Equal(["old"], (await storage.AllAsync("Refused")).Select(e => e.RowKey)); // neither upsert was applied
    }

    [Fact]
    public async Task AgainstAzurite_DeletesWithTheirETags_AndMerges_AreApplied()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var table = storage.Storage.GetTable("Mixed");
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity("p", "a") { ["Keep"] = 1 });
        await table.UpsertEntityAsync(new TableEntity("p", "b"));
        var b = (await table.GetEntityAsync<TableEntity>("p", "b")).Value;

        Assert.True(await storage.Storage.Transactions!.TrySubmitAsync(
            storage.Storage.PhysicalName("Mixed"),
            [
                new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "a") { ["Added"] = "x" }),
                new(TableTransactionActionType.Delete, b, b.ETag),
                new(TableTransactionActionType.Add, new TableEntity("p", "c") { ["New"] = 2L }),
            ],
            CancellationToken.None));

        var rows = (await storage.AllAsync("Mixed")).ToDictionary(e => e.RowKey);
        Assert.Equal(["a", "c"], rows.Keys.Order());
        Assert.Equal(1, rows["a"].GetInt32("Keep"));
        Assert.Equal("x", rows["a"].GetString("Added"));
        Assert.Equal(2L, rows["c"].GetInt64("New"));
    }

    [Fact]
    public async Task TheIngest_WritesEveryTransactionItself_AndTheSettingGivesThemBackToTheSdk()
    {
        await using var direct = TestStorage.Create(azurite.ConnectionString);
        await using var sdk = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:DirectTransactions"] = "false" });
        var bodies = Directory.GetFiles(Samples.Path("samples"), "*.json").Order(StringComparer.Ordinal).Select(f => Samples.Body(Path.GetFileName(f))).ToList();

        var ours = await direct.Pipeline.IngestAsync(bodies);
        var theirs = await sdk.Pipeline.IngestAsync(bodies);

        Assert.True(ours.Reconciles);
        Assert.True(ours.Stored > 0);
        Assert.Equal(theirs.Stored, ours.Stored);
        Assert.Equal(theirs.DeadLettered, ours.DeadLettered);
        Assert.True(direct.Storage.Transactions!.Sent > 0);
        Assert.Equal(0, direct.Storage.Transactions.HandedToSdk);
        Assert.Null(sdk.Storage.Transactions);
        foreach (var table in new[] { TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters })
        {
            var ourRows = (await direct.AllAsync(table)).Select(e => e.PartitionKey + "/" + e.RowKey + "|" + Flatten(Comparable(e))).Order(StringComparer.Ordinal).ToList();
            var theirRows = (await sdk.AllAsync(table)).Select(e => e.PartitionKey + "/" + e.RowKey + "|" + Flatten(Comparable(e))).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(theirRows, ourRows);
        }
    }

    [Fact]
    public async Task WithAToken_TheRequestIsSignedWithTheBearerToken()
    {
        var capture = new Capture();
        var options = new TableClientOptions { Transport = capture };
        options.Retry.MaxRetries = 0;
        var sender = TransactionSender.ForToken(new FixedToken("the-token"), new Uri("https://acct.table.core.windows.net"), options)!;

        await Assert.ThrowsAnyAsync<Exception>(() => sender.TrySubmitAsync("AcsRecords", [new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "r"))], CancellationToken.None));

        Assert.Equal("Bearer the-token", capture.Headers["Authorization"]);
        Assert.Equal(new Uri("https://acct.table.core.windows.net/$batch"), capture.Uri);
        Assert.Contains("PUT https://acct.table.core.windows.net/AcsRecords(PartitionKey='p',RowKey='r')", capture.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void AConnectionStringWithoutAnAccountKey_LeavesTransactionsToTheSdk()
    {
        var endpoint = new Uri("https://acct.table.core.windows.net");

        Assert.Null(TransactionSender.ForConnectionString("TableEndpoint=https://acct.table.core.windows.net;SharedAccessSignature=sv=2020&sig=x", endpoint, new TableClientOptions()));
        Assert.NotNull(TransactionSender.ForConnectionString("UseDevelopmentStorage=true", endpoint, new TableClientOptions()));
        Assert.Equal(AcsFunctions.Azurite.AzuriteHost.DevAccountKey, TransactionSender.DevelopmentKey); // the key Azurite checks
        Assert.Equal(AcsFunctions.Azurite.AzuriteHost.DevAccountName, TransactionSender.DevelopmentAccount);
        Assert.NotNull(TransactionSender.ForConnectionString($"AccountName=acct;AccountKey={Convert.ToBase64String(Key)};EndpointSuffix=core.windows.net", endpoint, new TableClientOptions()));
    }

    [Fact]
    public void TheAnswer_ASuccess_AFailureWithItsIndexAndCode_AndAnUnreadableOne()
    {
        const string Success = "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_1\r\n\r\n"
            + "--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 204 No Content\r\nX-Content-Type-Options: nosniff\r\nDataServiceVersion: 1.0;\r\nETag: W/\"datetime'2024-01-01T00%3A00%3A00Z'\"\r\n\r\n\r\n"
            + "--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 201 Created\r\n\r\n\r\n"
            + "--changesetresponse_1--\r\n--batchresponse_1--\r\n";
        const string Failure = "--batchresponse_2\r\nContent-Type: multipart/mixed; boundary=changesetresponse_2\r\n\r\n"
            + "--changesetresponse_2\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 409 Conflict\r\nX-Content-Type-Options: nosniff\r\nContent-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n"
            + "{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"3:The specified entity already exists.\\nRequestId:abc\\nTime:2024-01-01T00:00:00.0000000Z\"}}}\r\n"
            + "--changesetresponse_2--\r\n--batchresponse_2--\r\n";

        Assert.Null(TransactionResponse.Failure(Encoding.ASCII.GetBytes(Success), 2));
        var failure = TransactionResponse.Failure(Encoding.ASCII.GetBytes(Failure), 5);
        Assert.NotNull(failure);
        Assert.Equal(409, failure.Status);
        Assert.Equal("EntityAlreadyExists", failure.ErrorCode);
        Assert.StartsWith("3:The specified entity already exists.", failure.Message, StringComparison.Ordinal);
        Assert.False(TransientErrors.IsTransient(failure));

        // An inner 503 is transient (the writer sends the transaction again), as the SDK's exception for it is.
        var busy = TransactionResponse.Failure(Encoding.ASCII.GetBytes(Answer(503, "ServerBusy", "0:The server is busy.")), 1)!;
        Assert.Equal(503, busy.Status);
        Assert.Equal("ServerBusy", busy.ErrorCode);
        Assert.True(TransientErrors.IsTransient(busy));

        // No failure but not one success per action (or no answer at all): the service said 202, so it is not sent again.
        foreach (var (body, actions) in new[] { (Success, 3), ("<html>gateway</html>", 1), (string.Empty, 1) })
        {
            var unreadable = TransactionResponse.Failure(Encoding.ASCII.GetBytes(body), actions)!;
            Assert.Equal(202, unreadable.Status);
            Assert.Equal(TransactionResponse.UnreadableCode, unreadable.ErrorCode);
            Assert.False(TransientErrors.IsTransient(unreadable));
        }
    }

    [Fact]
    public async Task ThroughTheWriter_AnInner503IsSentAgain_AndAnInner400IsWrittenRowByRow_EverythingStoredOnce()
    {
        var bodies = Directory.GetFiles(Samples.Path("samples"), "*.json").Order(StringComparer.Ordinal).Select(f => Samples.Body(Path.GetFileName(f))).ToList();
        await using var clean = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:DirectTransactions"] = "false" });
        var expected = await clean.Pipeline.IngestAsync(bodies);
        var faults = new CannedAnswers(new Dictionary<int, string>
        {
            [2] = Answer(503, "ServerBusy", "0:The server is busy."),
            [4] = Answer(400, "InvalidInput", "0:One of the request inputs is not valid."),
        });
        var options = new TableClientOptions { Transport = new HttpClientTransport(new HttpClient(faults)) };
        await using var storage = TestStorage.Create(azurite.ConnectionString, configure: services =>
            services.AddSingleton(TransactionSender.ForConnectionString(azurite.ConnectionString, new TableServiceClient(azurite.ConnectionString).Uri, options)!));

        // The writer's retry waits on the app's clock (a fake one here): keep it running while the ingest runs.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ingest = storage.Pipeline.IngestAsync(bodies, limit.Token);
        while (!ingest.IsCompleted)
        {
            storage.Time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.WhenAny(ingest, Task.Delay(2, CancellationToken.None));
        }

        var result = await ingest;

        Assert.Equal([2, 4], faults.Answered);
        Assert.True(faults.Batches > 5);

        // The 503's transaction went again as a transaction (one more than the writer's first attempts); the 400's rows
        // went one by one, through the SDK (no transaction more).
        Assert.Equal(storage.Services.GetRequiredService<TableWriter>().Transactions + 1, faults.Batches);
        Assert.True(result.Reconciles);
        Assert.Equal(expected.Stored, result.Stored);
        Assert.Equal(expected.DeadLettered, result.DeadLettered);
        foreach (var table in new[] { TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters })
        {
            var ours = (await storage.AllAsync(table)).Select(e => e.PartitionKey + "/" + e.RowKey + "|" + Flatten(Comparable(e))).Order(StringComparer.Ordinal);
            var theirs = (await clean.AllAsync(table)).Select(e => e.PartitionKey + "/" + e.RowKey + "|" + Flatten(Comparable(e))).Order(StringComparer.Ordinal);
            Assert.Equal(theirs, ours);
        }
    }

    /// <summary>A 202 answer whose changeset holds one failed action.</summary>
    private static string Answer(int status, string code, string message) =>
        "--batchresponse_9\r\nContent-Type: multipart/mixed; boundary=changesetresponse_9\r\n\r\n"
        + $"--changesetresponse_9\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 {status} Failed\r\nContent-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n"
        + $"{{\"odata.error\":{{\"code\":\"{code}\",\"message\":{{\"lang\":\"en-US\",\"value\":\"{message}\"}}}}}}\r\n"
        + "--changesetresponse_9--\r\n--batchresponse_9--\r\n";

    /// <summary>Forwards every request to Azurite except the numbered transactions, which it answers itself (not applied).</summary>
    private sealed class CannedAnswers(Dictionary<int, string> answers) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _batches;

        public int Batches => Volatile.Read(ref _batches);

        public List<int> Answered { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal))
            {
                var number = Interlocked.Increment(ref _batches);
                if (answers.TryGetValue(number, out var answer))
                {
                    lock (Answered)
                    {
                        Answered.Add(number);
                    }

                    var content = new StringContent(answer, Encoding.ASCII);
                    content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/mixed; boundary=batchresponse_9");
                    return new HttpResponseMessage(System.Net.HttpStatusCode.Accepted) { Content = content };
                }
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    private static List<TableTransactionAction> EveryAction()
    {
        var full = Values(new TableEntity("p'k/ä#? %2F", "r k'%"));
        var etagged = new TableEntity("p'k/ä#? %2F", "r2") { ["X"] = "y", Timestamp = DateTimeOffset.UnixEpoch, ETag = new ETag("W/\"datetime'2024-01-01T00%3A00%3A00Z'\"") };
        return
        [
            new(TableTransactionActionType.UpsertReplace, full),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p'k/ä#? %2F", "r3") { ["Nothing"] = null }),
            new(TableTransactionActionType.Add, new TableEntity("p'k/ä#? %2F", "r4") { ["N"] = 1 }),
            new(TableTransactionActionType.UpdateReplace, etagged, etagged.ETag),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p'k/ä#? %2F", "r5"), ETag.All),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p'k/ä#? %2F", "r5b")),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p'k/ä#? %2F", "r5c")),
            new(TableTransactionActionType.Delete, new TableEntity("p'k/ä#? %2F", "r6"), new ETag("W/\"x\"")),
            new(TableTransactionActionType.Delete, new TableEntity("p'k/ä#? %2F", "r7")),
        ];
    }

    /// <summary>One property of every type the app stores, with values that need escaping or special formats.</summary>
    private static TableEntity Values(TableEntity entity)
    {
        entity["Text"] = "a\"b\\c é\u2028<>&'\n\t😀";
        entity["Empty"] = string.Empty;
        entity["Long"] = 12345678901L;
        entity["Negative"] = -5L;
        entity["Int"] = 42;
        entity["Double"] = 1.5;
        entity["Whole"] = 3.0;
        entity["Tiny"] = 0.1;
        entity["Huge"] = 1e300;
        entity["NotANumber"] = double.NaN;
        entity["Time"] = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567);
        entity["WholeTime"] = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        entity["UtcDateTime"] = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        entity["Flag"] = true;
        entity["Id"] = Guid.Parse("01234567-89ab-cdef-0123-456789abcdef");
        entity["Bytes"] = new byte[] { 1, 2, 3, 250 };
        entity["Data"] = BinaryData.FromBytes(new byte[] { 9 });
        entity["Null"] = null;
        return entity;
    }

    /// <summary>An entity's values without its system properties (as read back: binary as bytes, times as UTC).</summary>
    private static SortedDictionary<string, string> Comparable(TableEntity entity) =>
        new(
            entity.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag") && p.Value is not null)
                .ToDictionary(p => p.Key, p => p.Value switch
                {
                    byte[] bytes => "bytes:" + Convert.ToBase64String(bytes),
                    BinaryData data => "bytes:" + Convert.ToBase64String(data.ToArray()),
                    DateTimeOffset time => "time:" + time.UtcTicks,
                    _ => p.Value!.GetType().Name + ":" + Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture),
                }),
            StringComparer.Ordinal);

    private static string Flatten(SortedDictionary<string, string> row) => string.Join('|', row.Select(p => p.Key + "=" + p.Value));

    /// <summary>What the SDK sends for <paramref name="actions"/> (the request is captured, then refused).</summary>
    private static async Task<Capture> SdkRequestAsync(Uri endpoint, string table, IReadOnlyList<TableTransactionAction> actions)
    {
        var capture = new Capture();
        var options = new TableClientOptions { Transport = capture };
        options.Retry.MaxRetries = 0;
        var client = new TableClient(endpoint, table, new TableSharedKeyCredential(Account, Convert.ToBase64String(Key)), options);
        await Assert.ThrowsAnyAsync<Exception>(() => client.SubmitTransactionAsync(actions));
        return capture;
    }

    [GeneratedRegex("boundary=(batch_[0-9a-f-]+)")]
    private static partial Regex Boundary();

    /// <summary>A transport that keeps the first request it is given and answers 400.</summary>
    private sealed class Capture : HttpPipelineTransport
    {
        private readonly HttpClientTransport _real = new();

        public string Body { get; private set; } = string.Empty;

        public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Uri Uri { get; private set; } = new("http://unset");

        public string ContentType => Headers["Content-Type"];

        public override Request CreateRequest() => _real.CreateRequest();

        public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message)
        {
            var request = message.Request;
            Uri = request.Uri.ToUri();
            foreach (var header in request.Headers)
            {
                Headers[header.Name] = header.Value;
            }

            using var stream = new MemoryStream();
            await request.Content!.WriteToAsync(stream, CancellationToken.None);
            Body = Encoding.UTF8.GetString(stream.ToArray());
            throw new RequestFailedException(400, "captured");
        }
    }

    private sealed class FixedToken(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
