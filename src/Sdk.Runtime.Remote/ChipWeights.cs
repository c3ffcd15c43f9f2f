using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Sdk.Runtime.Remote;

/// <summary>The parameter tensors one chip of a plan runs with, and their hash (part of a session's identity).</summary>
internal static class ChipWeights
{
    /// <summary>The tensors of the layers on <paramref name="chip"/>, in plan order.</summary>
    public static IReadOnlyList<ParameterInfo> Tensors(NetworkPlan plan, int chip) =>
        plan.Layers.Where(l => l.Chip == chip).SelectMany(l => l.Parameters).ToArray();

    /// <summary>SHA-256 (lowercase hex) over each tensor's name, shape and float32 values, in plan order.</summary>
    public static string Sha256(NetworkPlan plan, int chip, Func<string, float[]> values)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var tensor in Tensors(plan, chip))
        {
            var name = Encoding.UTF8.GetBytes(tensor.Name);
            hash.AppendData(BitConverter.GetBytes(name.Length));
            hash.AppendData(name);
            hash.AppendData(BitConverter.GetBytes(tensor.Shape.Count));
            foreach (var d in tensor.Shape)
            {
                hash.AppendData(BitConverter.GetBytes(d));
            }

            hash.AppendData(MemoryMarshal.AsBytes(values(tensor.Name).AsSpan()));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
