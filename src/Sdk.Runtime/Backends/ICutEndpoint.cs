using System;

namespace Sdk.Runtime.Backends;

/// <summary>Which way a cut's tensor travels: the activation forward, or its gradient back (training).</summary>
public enum CutDirection
{
    Forward,
    Backward,
}

/// <summary>
/// An end of a cut on a chip: packs the tensor it sends into a wire encoding, or unpacks what it receives. The
/// cut transport (<see cref="CutTransport"/>) says which encoding (the plan's, or the precision an adaptive policy
/// has reached in training), moves the bytes between two endpoints and records in the ledger exactly the bytes the
/// packing produced.
/// </summary>
internal interface ICutEndpoint
{
    /// <summary>
    /// Packs the tensor this chip sends over cut <paramref name="cut"/> (forward: the cut's source output; backward:
    /// the gradient of what it received) for the current batch into <paramref name="wire"/> in
    /// <paramref name="encoding"/>; returns the bytes written, as the encoding's codec laid them out.
    /// </summary>
    int Pack(int cut, CutDirection direction, WireEncoding encoding, Span<byte> wire);

    /// <summary>Unpacks what arrived over cut <paramref name="cut"/> in <paramref name="encoding"/>; throws when its length is not what the encoding's layout takes.</summary>
    void Unpack(int cut, CutDirection direction, WireEncoding encoding, ReadOnlySpan<byte> wire);
}
