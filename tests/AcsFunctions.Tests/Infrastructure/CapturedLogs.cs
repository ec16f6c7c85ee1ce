using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>A logger provider that keeps every entry (event id and message) for assertions.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((eventId, logLevel, formatter(state, exception)));
    }
}
