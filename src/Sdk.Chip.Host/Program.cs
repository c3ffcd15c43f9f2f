using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sdk.Runtime;
using Sdk.Runtime.Remote;
using Sdk.Runtime.Remote.Hosting;
using Sdk.Runtime.Weights;

namespace Sdk.Chip.Host;

/// <summary><c>sdk-chip</c>: serves chips of a plan file to callers (<c>serve</c>), or says what it would serve (<c>describe</c>).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        try
        {
            switch (args.FirstOrDefault())
            {
                case "serve":
                    await Serve(HostOptions.Parse(args[1..]));
                    return 0;
                case "describe":
                    Describe(args[1..]);
                    return 0;
                case null or "-h" or "--help" or "help":
                    Console.WriteLine(HostOptions.Usage);
                    return args.Length == 0 ? 2 : 0;
                default:
                    throw new UsageException($"Unknown command '{args[0]}'.");
            }
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"sdk-chip: {e.Message}");
            Console.Error.WriteLine(HostOptions.Usage);
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or WeightsFormatException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"sdk-chip: {e.Message}");
            return 1;
        }
    }

    private static HostedPlan Load(string planPath, int[] chips, string? weightsPath, string name, long maxMessageBytes)
    {
        var plan = PlanFile.Load(planPath);
        ParameterSet? weights = null;
        if (weightsPath is not null)
        {
            weights = new ParameterSet(plan);
            weights.Load(weightsPath, allowExtra: true);
        }

        return new HostedPlan(plan, chips, weights, name, maxMessageBytes);
    }

    private static void Describe(string[] args)
    {
        var values = HostOptions.Values(args, flags: Array.Empty<string>());
        var path = values.TryGetValue("--plan", out var p) ? p : throw new UsageException("--plan is required.");
        var plan = PlanFile.Load(path);
        var hosted = Load(path, Enumerable.Range(0, plan.Chips.Count).ToArray(), values.GetValueOrDefault("--weights"), Environment.MachineName, 1);
        Console.WriteLine($"network {plan.Name}: {plan.Layers.Count} layers on {plan.Chips.Count} chips, {plan.Cuts.Count} cuts");
        Console.WriteLine($"plan fingerprint {hosted.Fingerprint:x16}, spec sha256 {hosted.SpecSha256}");
        foreach (var chip in hosted.Chips)
        {
            var layers = plan.Layers.Where(l => l.Chip == chip).ToArray();
            var hash = hosted.WeightsSha256.TryGetValue(chip, out var h) ? $", weights sha256 {h}" : string.Empty;
            Console.WriteLine($"chip {chip}: {layers.Length} layers ({layers.FirstOrDefault()?.Name} .. {layers.LastOrDefault()?.Name}){hash}");
        }
    }

    private static async Task Serve(HostOptions options)
    {
        var hosted = Load(options.Plan, options.Chips, options.Weights, options.Name, options.MaxMessageBytes);
        X509Certificate2? certificate = null;
        X509Certificate2? clientCa = null;
        if (!options.Insecure)
        {
            certificate = X509Certificate2.CreateFromPemFile(options.Certificate!, options.Key!);
            clientCa = X509CertificateLoader.LoadCertificateFromFile(options.ClientCa!);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); // standard output carries the host's own lines only
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Large tensors stream without waiting for window updates every few frames.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 16 << 20;
            kestrel.Limits.Http2.InitialStreamWindowSize = 8 << 20;
            kestrel.Limits.MaxRequestBodySize = null; // a session is one long stream; messages are limited by gRPC
            void Configure(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate,
                        SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        // Asked for in the handshake, checked per call: a refused caller gets a named error, not a reset.
                        ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                        ClientCertificateValidation = (_, _, _) => true,
                    });
                }
            }

            if (options.ListenAddress is { } ip)
            {
                kestrel.Listen(ip, options.Address.Port, Configure);
            }
            else
            {
                kestrel.ListenLocalhost(options.Address.Port, Configure);
            }
        });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = checked((int)Math.Min(int.MaxValue, options.MaxMessageBytes));
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(new ChipHostService(
            hosted,
            clientCa,
            context => context.GetHttpContext().Connection.ClientCertificate,
            line => Console.Error.WriteLine($"sdk-chip: {line}")));

        await using var app = builder.Build();
        app.MapGrpcService<ChipHostService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"sdk-chip: serving chip(s) {string.Join(",", hosted.Chips)} of '{hosted.Plan.Name}' (plan fingerprint {hosted.Fingerprint:x16}{(hosted.Weights is null ? string.Empty : ", weights from " + options.Weights)}){(options.Insecure ? " WITHOUT TLS OR AUTHENTICATION (--insecure, loopback only)" : string.Empty)}");
        Console.WriteLine($"sdk-chip: listening on {address}");
        if (options.WatchStdin)
        {
            _ = Task.Run(async () =>
            {
                await Console.In.ReadToEndAsync();
                await app.StopAsync();
            });
        }

        await app.WaitForShutdownAsync();
    }
}
