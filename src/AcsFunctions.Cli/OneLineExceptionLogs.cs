using Microsoft.Extensions.Logging;

namespace AcsFunctions.Cli;

/// <summary>
/// The console logs of a command: an entry logged with an exception (serve's 503 when storage is not running) is one
/// line, the entry's message and the exception's first line ("Query api-requests: storage unavailable — cannot reach
/// table storage at …: connection refused — is Azurite running, …?"), not the exception's stack trace on every request,
/// which <c>--verbose</c> shows as every command's errors do.
/// </summary>
/// <remarks>Aliased "Console" as the provider it wraps, so <c>Logging:Console:LogLevel</c> settings still apply to it.</remarks>
[ProviderAlias("Console")]
internal sealed class OneLineExceptionLogs(ILoggerProvider console) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(console.CreateLogger(categoryName));

    public void Dispose() => console.Dispose();

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is null)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }

            inner.Log(logLevel, eventId, $"{formatter(state, exception)} — {CliRunner.FirstLine(exception.Message)}", null, static (line, _) => line);
        }
    }
}
