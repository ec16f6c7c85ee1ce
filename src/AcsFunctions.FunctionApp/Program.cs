using AcsFunctions.FunctionApp;
using Microsoft.Extensions.Hosting;

// The Functions host: FunctionAppHost registers everything (also used by the tests to build this same host), then the
// privacy check before any event is processed, so a missing AcsFunctions__Privacy__HashKey stops the app at start.
IHost host = FunctionAppHost.Build(FunctionAppHost.CreateBuilder(args));
host.Run();
