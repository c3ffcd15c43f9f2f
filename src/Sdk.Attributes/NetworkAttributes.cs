using System;
using System.Diagnostics;

namespace Sdk
{
    /// <summary>
    /// Marks a <c>partial class</c> as a network. Its <c>partial Layer</c> properties, in declaration order,
    /// are the layers; the source generator checks them and emits the plan, the kernels and the traffic report.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public sealed class NetworkAttribute : Attribute
    {
        /// <summary>Shape of one sample: <c>{ C, H, W }</c> for images or <c>{ N }</c> for vectors. The batch size is chosen at run time.</summary>
        public int[] InputShape { get; set; } = Array.Empty<int>();

        /// <summary>Manual (the default) follows <see cref="OnChipAttribute"/>; Auto lets the compiler place the layers.</summary>
        public PlacementMode Placement { get; set; }
    }

    /// <summary>Names the network itself in layer attributes.</summary>
    public static class Network
    {
        /// <summary>
        /// The network input, for a layer's <c>Input</c> or a merge's names: <c>[Conv2D(8, Input = Network.Input)]</c>.
        /// Not a C# identifier, so no layer can have this name. It carries no gradient back in training.
        /// </summary>
        public const string Input = "(input)";
    }

    /// <summary>Describes one chip. Optional: without any <c>[Chip]</c>, chips are implied by <see cref="OnChipAttribute"/>.</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public sealed class ChipAttribute : Attribute
    {
        public ChipAttribute(int id) => Id = id;

        /// <summary>Chip index, 0 to n-1.</summary>
        public int Id { get; }

        /// <summary>Display name; defaults to <c>chip{Id}</c>.</summary>
        public string? Name { get; set; }

        /// <summary>Sustained compute in GFLOP/s, used to model time per sample. 0 = unknown.</summary>
        public double Gflops { get; set; }

        /// <summary>On-chip memory in KiB for parameters and activations. 0 = unlimited.</summary>
        public long MemoryKiB { get; set; }
    }

    /// <summary>Describes the link between two chips (both directions).</summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public sealed class LinkAttribute : Attribute
    {
        public LinkAttribute(int chipA, int chipB)
        {
            ChipA = chipA;
            ChipB = chipB;
        }

        public int ChipA { get; }
        public int ChipB { get; }

        /// <summary>Bandwidth in GB/s (10^9 bytes per second).</summary>
        public double GigabytesPerSecond { get; set; }

        /// <summary>Latency of one transfer, in microseconds.</summary>
        public double LatencyMicroseconds { get; set; }

        /// <summary>Optional budget: the most bytes per sample one cut may send over this link. 0 = no budget.</summary>
        public long BudgetBytesPerSample { get; set; }
    }

    /// <summary>Runs this layer, and every later one until the next <c>[OnChip]</c>, on the given chip.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public sealed class OnChipAttribute : Attribute
    {
        public OnChipAttribute(int chip) => Chip = chip;

        public int Chip { get; }
    }

    /// <summary>
    /// Narrows the tensor entering this layer across a cut: an encoder (1x1 conv, C to ceil(C/Ratio)) on the
    /// sending chip and a decoder (1x1 conv back to C) on this layer's chip.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public sealed class BottleneckAttribute : Attribute
    {
        /// <summary>Channels / narrowed channels; at least 1.</summary>
        public int Ratio { get; set; } = 1;
    }

    /// <summary>
    /// Starts a branch: this layer and every later one, until the next <c>[Branch]</c> or the merge layer, run on
    /// chip <see cref="Chip"/> and read only the network input, their own branch and the layers declared before the
    /// branches. The branches end at their merge: the first later layer with <c>[OnChip]</c>, a <c>Concat</c> or
    /// <c>Add</c> that reads every branch.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public sealed class BranchAttribute : Attribute
    {
        public BranchAttribute(int chip) => Chip = chip;

        /// <summary>The chip the branch runs on (each branch on its own chip).</summary>
        public int Chip { get; }
    }

    /// <summary>
    /// Low-communication parallelism (LCP): the compiler derives a network of <see cref="Branches"/> copies of this
    /// one's layers up to <see cref="LastBranchLayer"/>, each with its widths (filters, units, groups) divided by
    /// the branch count, copy <c>i</c> on chip <c>i</c>; the copies meet in a <c>Concat</c> on
    /// <see cref="MergeChip"/>, which the remaining layers read. Every chip gets the network input once; only
    /// the branches' last tensors cross to the merge.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public sealed class LcpAttribute : Attribute
    {
        /// <summary>How many branches (chips 0 to Branches - 1); at least 2.</summary>
        public int Branches { get; set; }

        /// <summary>The last layer copied into every branch (use <c>nameof</c>). Default: the layer before the first Dense.</summary>
        public string? LastBranchLayer { get; set; }

        /// <summary>The chip of the merge and of every layer after it. Default: chip 0.</summary>
        public int MergeChip { get; set; }
    }

    /// <summary>Sets the wire format of the tensors that cross a cut into this layer.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    [Conditional("SDK_KEEP_ATTRIBUTES")]
    public sealed class TransferAttribute : Attribute
    {
        public WireFormat Format { get; set; }

        /// <summary>Bits kept per value, 1 to 32: only with <see cref="WireFormat.Truncated"/>, which requires it.</summary>
        public int Bits { get; set; }
    }
}
