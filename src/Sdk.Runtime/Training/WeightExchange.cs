using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using Sdk.Runtime.Wire;

namespace Sdk.Runtime.Training;

/// <summary>
/// Moves data-parallel training's tensors between the master parameters and the other replicas, each tensor packed by
/// its encoding's codec and unpacked on the other side, recording in the ledger the bytes the codec wrote beside
/// <see cref="ExchangeTraffic.TensorBytes"/> for that tensor and encoding.
/// </summary>
internal sealed class WeightExchange(NetworkPlan plan, TrafficLedger ledger, WireEncoding gradients)
{
    private byte[] _wire = Array.Empty<byte>();
    private float[] _received = Array.Empty<float>();

    /// <summary>Sends every trainable tensor of the master to <paramref name="replica"/>, each layer's in the encoding <paramref name="precision"/> gives it now.</summary>
    public void SendWeights(ParameterSet master, ParameterSet replica, PrecisionPolicies precision)
    {
        foreach (var layer in plan.Layers)
        {
            foreach (var p in layer.Parameters)
            {
                if (p.Trainable)
                {
                    Send(master[p.Name], replica[p.Name], precision.Weights(layer.Index), gradient: false);
                }
            }
        }
    }

    /// <summary>Brings a replica's gradients to the master and adds them, times <paramref name="weight"/>, to the master's.</summary>
    public void AddGradients(IReadOnlyDictionary<string, float[]> replica, IReadOnlyDictionary<string, float[]> master, float weight)
    {
        foreach (var (name, values) in replica)
        {
            if (_received.Length < values.Length)
            {
                _received = new float[values.Length];
            }

            var received = _received.AsSpan(0, values.Length);
            Send(values, received, gradients, gradient: true);
            var target = master[name];
            TensorPrimitives.MultiplyAdd(received, weight, target, target);
        }
    }

    private void Send(ReadOnlySpan<float> values, Span<float> into, WireEncoding encoding, bool gradient)
    {
        var codec = WireCodec.Of(encoding);
        var capacity = codec.Bytes(1, values.Length);
        if (_wire.Length < capacity)
        {
            _wire = new byte[capacity];
        }

        var written = codec.Pack(values, 1, _wire);
        codec.Unpack(_wire.AsSpan(0, written), 1, into);
        ledger.RecordExchange(gradient, encoding, ExchangeTraffic.TensorBytes(values.Length, encoding), written, ExchangeTraffic.TensorBytes(values.Length, WireFormat.Float32));
    }
}
