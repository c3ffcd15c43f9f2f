using System;

namespace Sdk.Runtime.Remote;

/// <summary>Why a remote chip failed; the name travels from the host in the <c>sdk-error</c> trailer.</summary>
public enum RemoteError
{
    /// <summary>The host could not be reached, or the connection broke (the host died, the network failed).</summary>
    HostUnavailable,

    /// <summary>No reply within <see cref="RemoteChipOptions.CallTimeout"/> (a hung host or a stalled network).</summary>
    Timeout,

    /// <summary>The host's certificate is not issued by the trusted CA, or not for the address called.</summary>
    HostNotTrusted,

    /// <summary>The caller presented no client certificate, or one the host does not trust.</summary>
    Unauthenticated,

    /// <summary>The host serves another plan (network, layers, shapes, formats: the spec's hash or the plan fingerprint differ).</summary>
    PlanMismatch,

    /// <summary>The host runs weights loaded from a file that differ from the caller's.</summary>
    WeightsMismatch,

    /// <summary>The host does not serve the plan chip asked for.</summary>
    ChipNotServed,

    /// <summary>A message larger than the host accepts.</summary>
    MessageTooLarge,

    /// <summary>A message that is not the protocol: unparseable, out of order, or naming a layer, cut or tensor that is not this chip's, or of the wrong length.</summary>
    MalformedMessage,

    /// <summary>The host failed running an operation (its message says what failed).</summary>
    HostFailure,
}

/// <summary>A remote chip failed; the message names the chip, the host and what failed.</summary>
public sealed class RemoteChipException : Exception
{
    public RemoteChipException(RemoteError error, int chip, string host, string detail, Exception? inner = null)
        : base($"Chip {chip} on host {host}: {error}: {detail}", inner)
    {
        Error = error;
        Chip = chip;
        Host = host;
    }

    public RemoteError Error { get; }

    /// <summary>The plan chip (-1 when the failure came before a chip was chosen, e.g. while connecting).</summary>
    public int Chip { get; }

    /// <summary>The host's address.</summary>
    public string Host { get; }
}
