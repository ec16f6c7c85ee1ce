using AcsFunctions.Hosting;
using AcsFunctions.Privacy;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The Functions host: the same core registration as the CLI, then the privacy check before any event is processed,
// so a missing AcsFunctions__Privacy__HashKey stops the app at start with a message naming the setting.
var builder = FunctionsApplication.CreateBuilder(args);
IServiceCollection services = builder.Services;
IConfiguration configuration = builder.Configuration;
services.AddAcsFunctionsCore(configuration);

IHost host = builder.Build();
PrivacyStartupValidator.EnsureValid(host.Services);
host.Run();
