using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// What the worker hands a function for one invocation: the instance services of the real host, the trigger's binding
/// data and the invocation's cancellation token. (The worker's own context is internal; this is its public contract.)
/// </summary>
internal sealed class InvocationContext : FunctionContext, IDisposable
{
    private readonly IServiceScope _scope;
    private readonly string _functionName;

    public InvocationContext(IServiceProvider services, string functionName, IReadOnlyDictionary<string, object?>? bindingData = null, CancellationToken cancellationToken = default)
    {
        _scope = services.CreateScope();
        _functionName = functionName;
        BindingContext = new Binding(bindingData ?? new Dictionary<string, object?>());
        CancellationToken = cancellationToken;
        InstanceServices = _scope.ServiceProvider;
    }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => _functionName;

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext { get; }

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; }

    public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();

    public override CancellationToken CancellationToken { get; }

    /// <summary>Creates the function class as the worker does (its <see cref="IFunctionActivator"/>, this invocation's services).</summary>
    public T Activate<T>() => (T)InstanceServices.GetRequiredService<IFunctionActivator>().CreateInstance(typeof(T), this)!;

    public void Dispose() => _scope.Dispose();

    private sealed class Binding(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData => data;
    }
}

/// <summary>An HTTP request as the worker's HTTP binding presents it.</summary>
internal sealed class TestHttpRequest(FunctionContext context, Uri url) : HttpRequestData(context)
{
    public override Stream Body { get; } = new MemoryStream();

    public override HttpHeadersCollection Headers { get; } = [];

    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];

    public override Uri Url { get; } = url;

    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];

    public override string Method => "GET";

    public override HttpResponseData CreateResponse() => new TestHttpResponse(FunctionContext);
}

/// <summary>The response the function writes.</summary>
internal sealed class TestHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    public override System.Net.HttpStatusCode StatusCode { get; set; }

    public override HttpHeadersCollection Headers { get; set; } = [];

    public override Stream Body { get; set; } = new MemoryStream();

    public override HttpCookies Cookies => throw new NotSupportedException();

    public string Text => Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());

    public string ContentType => string.Join(",", Headers.GetValues("Content-Type"));
}
