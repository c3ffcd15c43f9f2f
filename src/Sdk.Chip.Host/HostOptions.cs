using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;

namespace Sdk.Chip.Host;

/// <summary>The command line of <c>sdk-chip serve</c>, parsed and checked; a bad one is a <see cref="UsageException"/> (exit 2).</summary>
internal sealed record HostOptions(
    string Plan,
    int[] Chips,
    Uri Address,
    IPAddress? ListenAddress,
    bool Insecure,
    string? Certificate,
    string? Key,
    string? ClientCa,
    string? Weights,
    long MaxMessageBytes,
    string Name,
    bool WatchStdin)
{
    public const string Usage = """
        usage: sdk-chip serve --plan PLAN.json --chips N[,N...] --address https://IP:PORT
                              --cert HOST.crt --key HOST.key --client-ca CLIENTS-CA.crt
                              [--weights WEIGHTS.safetensors] [--max-message-mib 64] [--name NAME] [--watch-stdin]
               sdk-chip serve ... --address http://127.0.0.1:PORT --insecure    (no TLS, no authentication: loopback only)
               sdk-chip describe --plan PLAN.json [--weights WEIGHTS.safetensors]
        PORT 0 picks a free port; the line 'sdk-chip: listening on ADDRESS' says which.
        --watch-stdin: stop when standard input closes (a supervising process that dies takes its hosts along).
        """;

    /// <summary>The largest --max-message-mib: gRPC messages are limited to 2 GiB.</summary>
    public const int MaxMessageMib = 1024;

    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var values = Values(args, flags: new[] { "--insecure", "--watch-stdin" });
        string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;
        string Need(string name) => Get(name) ?? throw new UsageException($"{name} is required.");

        var plan = Need("--plan");
        var chips = Need("--chips").Split(',').Select(c => int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new UsageException($"--chips takes chip numbers separated by commas, e.g. 1,2; '{c}' is not one.")).ToArray();
        var addressText = Need("--address");
        if (!Uri.TryCreate(addressText, UriKind.Absolute, out var address) || (address.Scheme != "https" && address.Scheme != "http") || address.AbsolutePath != "/")
        {
            throw new UsageException($"--address takes https://IP:PORT; '{addressText}' is not one.");
        }

        var insecure = values.ContainsKey("--insecure");
        var host = address.Host.Trim('[', ']');
        IPAddress? ip = null;
        if (host != "localhost" && !IPAddress.TryParse(host, out ip))
        {
            throw new UsageException($"--address: listen on an IP address (or localhost), not the name '{host}'.");
        }

        var loopback = host == "localhost" || IPAddress.IsLoopback(ip!);
        if (insecure && (address.Scheme != "http" || !loopback))
        {
            throw new UsageException($"--insecure serves plain HTTP on a loopback address only (http://127.0.0.1:PORT); '{addressText}' is not one.");
        }

        if (!insecure && address.Scheme != "https")
        {
            throw new UsageException($"'{addressText}' is plain HTTP: a chip host serves TLS (https://); plain HTTP needs --insecure and a loopback address.");
        }

        if (!insecure && (Get("--cert") is null || Get("--key") is null || Get("--client-ca") is null))
        {
            throw new UsageException("A TLS host needs --cert and --key (its certificate and private key, PEM) and --client-ca (the CA of its callers' certificates, PEM).");
        }

        var mib = Get("--max-message-mib") is { } m
            ? int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= MaxMessageMib ? v : throw new UsageException($"--max-message-mib takes 1 to {MaxMessageMib}; '{m}' is not one.")
            : 64;

        return new HostOptions(plan, chips, address, ip, insecure, Get("--cert"), Get("--key"), Get("--client-ca"), Get("--weights"), (long)mib << 20, Get("--name") ?? Environment.MachineName, values.ContainsKey("--watch-stdin"));
    }

    /// <summary>--name value pairs and bare flags; an unknown or repeated option is an error.</summary>
    internal static Dictionary<string, string> Values(IReadOnlyList<string> args, string[] flags)
    {
        var known = new[] { "--plan", "--chips", "--address", "--cert", "--key", "--client-ca", "--weights", "--max-message-mib", "--name" };
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (flags.Contains(name))
            {
                values[name] = "true";
                continue;
            }

            if (!known.Contains(name))
            {
                throw new UsageException($"Unknown option '{name}'.");
            }

            if (i + 1 >= args.Count)
            {
                throw new UsageException($"{name} needs a value.");
            }

            if (!values.TryAdd(name, args[++i]))
            {
                throw new UsageException($"{name} is given twice.");
            }
        }

        return values;
    }
}

/// <summary>A command line that cannot be run: the message says why (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
