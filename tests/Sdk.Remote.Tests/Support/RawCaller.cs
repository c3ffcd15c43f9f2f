using System;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Sdk.Runtime.Remote;
using Sdk.Runtime.Remote.Protocol;

namespace Sdk.Remote.Tests.Support;

/// <summary>
/// A caller that is not a RemoteChip: speaks to a host's gRPC service directly, so tests can send what a RemoteChip
/// never would (no certificate, a message too large, bytes that are not the protocol).
/// </summary>
internal sealed class RawCaller : IDisposable
{
    private readonly GrpcChannel _channel;

    public RawCaller(string address, X509Certificate2 hostCa, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 host && Certificates.ChainsTo(host, hostCa, Certificates.ServerAuthentication),
            },
        };
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, MaxSendMessageSize = null, DisposeHttpClient = true });
        Client = new ChipHost.ChipHostClient(_channel);
        Invoker = _channel.CreateCallInvoker();
    }

    public ChipHost.ChipHostClient Client { get; }

    public CallInvoker Invoker { get; }

    /// <summary>The session method with raw bytes for messages: anything can be sent.</summary>
    public static readonly Method<byte[], byte[]> RawSession = new(
        MethodType.DuplexStreaming, "sdk.remote.ChipHost", "Session", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    /// <summary>Deadline for every raw call: a test never waits on a host for ever.</summary>
    public static DateTime Deadline => DateTime.UtcNow.AddSeconds(30);

    public void Dispose() => _channel.Dispose();
}
