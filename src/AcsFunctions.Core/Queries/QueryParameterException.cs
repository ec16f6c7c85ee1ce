namespace AcsFunctions.Queries;

/// <summary>A query parameter is missing or invalid (the CLI exits with code 2, the HTTP API answers 400).</summary>
public sealed class QueryParameterException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public QueryParameterException(string parameter, string message)
        : base($"{parameter}: {message}", parameter)
    {
        Problem = message;
    }

    /// <summary>Creates the exception.</summary>
    public QueryParameterException()
    {
        Problem = Message;
    }

    /// <summary>Creates the exception.</summary>
    public QueryParameterException(string message)
        : base(message)
    {
        Problem = message;
    }

    /// <summary>Creates the exception.</summary>
    public QueryParameterException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>What is wrong, without the parameter name.</summary>
    public string Problem { get; }
}
