namespace Sdk.Runtime;

/// <summary>What a model does with NaN values.</summary>
public enum NanPolicy
{
    /// <summary>NaNs flow through like any other value (the default; no checking cost).</summary>
    Propagate,

    /// <summary>A NaN in the input or the output is an exception naming the tensor and the first bad element.</summary>
    Reject,
}
