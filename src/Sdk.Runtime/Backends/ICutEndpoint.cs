using System;

namespace Sdk.Runtime.Backends;

/// <summary>Which way a cut's tensor travels: the activation forward, or its gradient back (training).</summary>
public enum CutDirection
{
    Forward,
    Backward,
}

/// <summary>
/// An end of a cut on a chip: packs the tensor it sends into its wire format, or unpacks what it receives. The
/// cut transport (<see cref="CutTransport"/>) moves the bytes between two endpoints and records in the
/// ledger exactly the bytes the packing produced.
/// </summary>
internal interface ICutEndpoint
{
    /// <summary>
    /// Packs the tensor this chip sends over cut <paramref name="cut"/> (forward: the cut's source output; backward:
    /// the gradient of what it received) for the current batch into <paramref name="wire"/>; returns the bytes
    /// written, as the format's codec laid them out.
    /// </summary>
    int Pack(int cut, CutDirection direction, Span<byte> wire);

    /// <summary>Unpacks what arrived over cut <paramref name="cut"/>; throws when its length is not what the format's layout takes.</summary>
    void Unpack(int cut, CutDirection direction, ReadOnlySpan<byte> wire);
}
