namespace Sdk.Placement;

/// <summary>One operator (or layer) of the graph to place.</summary>
/// <param name="Id">Unique id, as in the input file.</param>
/// <param name="CpuLatency">Time to run the node on a CPU.</param>
/// <param name="AcceleratorLatency">Time to run the node on an accelerator.</param>
/// <param name="Size">Memory the node takes on an accelerator (bytes).</param>
/// <param name="SupportedOnAccelerator">False forces the node onto a CPU.</param>
/// <param name="IsBackward">Training only: a gradient node that follows its forward twin.</param>
/// <param name="ColorClass">Nodes sharing a colour class must share a device; null means a class of its own.</param>
public sealed record PlacementNode(
    int Id,
    double CpuLatency,
    double AcceleratorLatency,
    double Size,
    bool SupportedOnAccelerator = true,
    bool IsBackward = false,
    int? ColorClass = null);
