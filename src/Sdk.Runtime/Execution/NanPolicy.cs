namespace Sdk.Runtime;

/// <summary>What a model does with NaN values.</summary>
public enum NanPolicy
{
    /// <summary>NaNs flow through like any other value (the default; no checking cost).</summary>
    Propagate,

    /// <summary>A NaN in the input or the output is an exception naming the tensor and the first bad element.</summary>
    Reject,
}

/// <summary>The check behind <see cref="NanPolicy.Reject"/>.</summary>
internal static class NanPolicies
{
    /// <summary>The index of the first NaN, or -1 (vectorised: TensorPrimitives.IndexOfMax returns the first NaN when there is one).</summary>
    public static int IndexOfNaN(System.ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return -1;
        }

        var index = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(values);
        return float.IsNaN(values[index]) ? index : -1;
    }
}
