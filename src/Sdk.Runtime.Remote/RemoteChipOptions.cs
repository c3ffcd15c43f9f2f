using System;
using System.Security.Cryptography.X509Certificates;

namespace Sdk.Runtime.Remote;

/// <summary>How a caller reaches a chip host: its identity, whom it trusts, and how long it waits.</summary>
public sealed record RemoteChipOptions
{
    /// <summary>The caller's certificate, with its private key, issued by a CA the host trusts (mutual TLS).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The CA that issued the hosts' certificates; a host whose certificate does not chain to it is refused.</summary>
    public X509Certificate2? HostCa { get; init; }

    /// <summary>
    /// Plain HTTP/2 without TLS or authentication, for development: only to a loopback address (127.0.0.0/8,
    /// ::1, localhost), and only to a host started with <c>--insecure</c>.
    /// </summary>
    public bool Insecure { get; init; }

    /// <summary>How long connecting (TCP, TLS, the probe) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the caller waits for any reply; past it the chip fails with <see cref="RemoteError.Timeout"/>.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest message the caller accepts from a host.</summary>
    public int MaxReceiveMessageBytes { get; init; } = 256 << 20;
}
