using AcsFunctions.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// The CLI's one-line console logs stand where the console provider stood, so an operator's <c>Logging:Console</c>
/// settings (e.g. <c>Logging__Console__LogLevel__Default=Error</c> to quiet serve's warnings) still apply to them.
/// </summary>
public sealed class OneLineExceptionLogsTests
{
    [Fact]
    public void Console_log_level_settings_apply_to_the_one_line_logs()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Console:LogLevel:Default"] = "Error" })
            .Build();
        var console = new Recording();
        using (var factory = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Trace)
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddProvider(new OneLineExceptionLogs(console))))
        {
            var logger = factory.CreateLogger("AcsFunctions.Functions.QueryEndpoint");
            logger.LogWarning(new InvalidOperationException("first line\nsecond line"), "Query failed");
            logger.LogError(new InvalidOperationException("first line\nsecond line"), "Query failed");
        }

        // The warning is below the console's level; the error passes, as one line without the exception.
        var line = Assert.Single(console.Lines);
        Assert.Equal("Error: Query failed — first line (no exception)", line);
    }

    private sealed class Recording : ILoggerProvider, ILogger
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel}: {formatter(state, exception)}{(exception is null ? " (no exception)" : " (with exception)")}");

        public void Dispose()
        {
        }
    }
}
