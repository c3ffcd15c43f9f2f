using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Runtime.Remote;

/// <summary>
/// A chip in another process or on another host, served by <c>sdk-chip serve</c>: a backend like the CPU and ILGPU
/// ones, so <c>ChipSet.Of(new CpuChip(), RemoteChip.Connect("https://host1:5001", options))</c> runs
/// <c>Run</c>, <c>RunPipelined</c> and training unchanged. Each model or trainer opens one gRPC session (an HTTP/2
/// stream) per remote chip; the operations of the chip's share of the plan travel on it, cut tensors in their wire
/// format exactly as the codec packed them. Cuts go through the caller: a cut between two remote chips is one
/// round trip to the sender and one message to the receiver.
/// </summary>
public sealed class RemoteChip : ChipDevice
{
    /// <summary>The backend's name.</summary>
    public const string BackendName = "remote";

    private readonly GrpcChannel _channel;

    private RemoteChip(string address, RemoteChipOptions options, GrpcChannel channel, HostDescription description, RemoteChipStats stats)
    {
        Address = address;
        Options = options;
        _channel = channel;
        Description = description;
        Stats = stats;
        Client = new ChipHost.ChipHostClient(channel);
    }

    /// <summary>The host's address, as given to <see cref="Connect"/>.</summary>
    public string Address { get; }

    public RemoteChipOptions Options { get; }

    /// <summary>The host's name, as it reported it.</summary>
    public string HostName => Description.Host;

    /// <summary>The plan chips the host serves.</summary>
    public int[] ServedChips => Description.Chips.ToArray();

    /// <summary>Payload and wire bytes, round trips and their time, since creation or the last reset.</summary>
    public RemoteChipStats Stats { get; }

    public override string Name => $"remote chip on {Address} ({Description.Backend})";

    public override string Backend => BackendName;

    internal HostDescription Description { get; }

    internal ChipHost.ChipHostClient Client { get; }

    /// <summary>
    /// Connects to the chip host at <paramref name="address"/> (<c>https://host:port</c>; <c>http://</c> only with
    /// <see cref="RemoteChipOptions.Insecure"/> to loopback) and asks what it serves. The chip is placed by its
    /// position in the chip set: chip i of the set runs chip i of the plan, which the host must serve.
    /// </summary>
    /// <exception cref="RemoteChipException">The host is unreachable, untrusted, or refuses the caller (the error says which).</exception>
    public static RemoteChip Connect(string address, RemoteChipOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        options ??= new RemoteChipOptions();
        var uri = CheckAddress(address, options);
        var stats = new RemoteChipStats();
        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(options, stats),
            MaxReceiveMessageSize = options.MaxReceiveMessageBytes,
            MaxSendMessageSize = null,
            DisposeHttpClient = true,
        });
        try
        {
            var description = new ChipHost.ChipHostClient(channel).Describe(
                new DescribeRequest(), deadline: DateTime.UtcNow + options.ConnectTimeout);
            return new RemoteChip(address, options, channel, description, stats);
        }
        catch (Exception e)
        {
            channel.Dispose();
            throw RemoteErrors.Translate(e, -1, address);
        }
    }

    internal override InferenceExecutor CreateInference(NetworkPlan plan, int chip, ChipPrograms programs)
    {
        ThrowIfDisposed();
        return new RemoteInferenceExecutor(this, plan, chip);
    }

    internal override TrainingExecutor CreateTraining(NetworkPlan plan, int chip, TrainingState state)
    {
        ThrowIfDisposed();
        return new RemoteTrainingExecutor(this, plan, chip, state);
    }

    protected override void OnDispose() => _channel.Dispose();

    private static Uri CheckAddress(string address, RemoteChipOptions options)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"'{address}' is not a chip host address; write https://host:port.", nameof(address));
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !(options.Insecure && IsLoopback(uri)))
        {
            throw new ArgumentException(
                $"'{address}' is plain HTTP: chip hosts are reached over TLS (https://), except a loopback host with RemoteChipOptions.Insecure.", nameof(address));
        }

        if (uri.Scheme == Uri.UriSchemeHttps && (options.ClientCertificate is null || options.HostCa is null))
        {
            throw new ArgumentException(
                $"Connecting to '{address}' needs RemoteChipOptions.ClientCertificate (the caller's identity) and HostCa (the CA of the hosts' certificates).", nameof(address));
        }

        return uri;
    }

    internal static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static SocketsHttpHandler CreateHandler(RemoteChipOptions options, RemoteChipStats stats)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            EnableMultipleHttp2Connections = true,
            // A dead peer that sends no FIN (a pulled cable) is found by pings, not only by the call timeout.
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                    return new CountingStream(new NetworkStream(socket, ownsSocket: true), stats);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

        if (options.ClientCertificate is { } certificate && options.HostCa is { } ca)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = new X509CertificateCollection { certificate },
                RemoteCertificateValidationCallback = (_, host, chain, errors) => HostTrusted(host as X509Certificate2, errors, ca),
            };
        }

        return handler;
    }

    /// <summary>The host's certificate must chain to the configured CA (only it) and name the address called.</summary>
    private static bool HostTrusted(X509Certificate2? host, SslPolicyErrors errors, X509Certificate2 ca)
    {
        if (host is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        return Certificates.ChainsTo(host, ca, Certificates.ServerAuthentication);
    }
}
