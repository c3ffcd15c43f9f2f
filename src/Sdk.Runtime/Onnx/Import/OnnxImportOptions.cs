using System;
using System.Collections.Generic;
using System.Linq;

namespace Sdk.Runtime.Onnx
{
    /// <summary>How <see cref="OnnxImporter"/> names the network and places its layers on chips.</summary>
    public sealed record OnnxImportOptions
    {
        /// <summary>The network's (class's) name; by default "Imported".</summary>
        public string Name { get; init; } = "Imported";

        /// <summary>The chips; by default one.</summary>
        public OnnxChips Chips { get; init; } = OnnxChips.One;
    }

    /// <summary>How the imported layers are placed: on one chip, split evenly, split by hand, or by the compiler.</summary>
    public sealed record OnnxChips
    {
        private OnnxChips(PlacementMode mode, int count, IReadOnlyList<string> starts, double linkGigabytesPerSecond, double gflops, long memoryKiB)
        {
            if (count < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(count), count, "At least one chip.");
            }

            if (count > 1 && !(linkGigabytesPerSecond > 0 && double.IsFinite(linkGigabytesPerSecond)))
            {
                throw new ArgumentOutOfRangeException(nameof(linkGigabytesPerSecond), linkGigabytesPerSecond, "A link's bandwidth is a positive number of GB/s.");
            }

            Mode = mode;
            Count = count;
            Starts = starts;
            LinkGigabytesPerSecond = linkGigabytesPerSecond;
            Gflops = gflops;
            MemoryKiB = memoryKiB;
        }

        /// <summary>Every layer on chip 0.</summary>
        public static OnnxChips One { get; } = new(PlacementMode.Manual, 1, [], 1, 0, 0);

        /// <summary><paramref name="count"/> chips, each a contiguous run of (nearly) as many layers as the others.</summary>
        public static OnnxChips Even(int count, double linkGigabytesPerSecond = 1) => new(PlacementMode.Manual, count, [], linkGigabytesPerSecond, 0, 0);

        /// <summary>Chip 1 starts at the layer <paramref name="starts"/>[0], chip 2 at [1], ... (layer names of the import).</summary>
        public static OnnxChips Manual(IReadOnlyList<string> starts, double linkGigabytesPerSecond = 1) =>
            new(PlacementMode.Manual, starts.Count + 1, starts.ToArray(), linkGigabytesPerSecond, 0, 0);

        /// <summary>
        /// <c>[Network(Placement = PlacementMode.Auto)]</c>: the compiler places the layers on <paramref name="count"/>
        /// chips of <paramref name="gflops"/> each (and <paramref name="memoryKiB"/>, 0 = unlimited), linked in a chain.
        /// </summary>
        public static OnnxChips Auto(int count, double gflops, double linkGigabytesPerSecond, long memoryKiB = 0) =>
            gflops > 0 && double.IsFinite(gflops)
                ? new(PlacementMode.Auto, count, [], linkGigabytesPerSecond, gflops, memoryKiB)
                : throw new ArgumentOutOfRangeException(nameof(gflops), gflops, "Automatic placement needs each chip's speed, a positive number of GFLOP/s.");

        public PlacementMode Mode { get; }

        public int Count { get; }

        /// <summary>For a manual split: the first layer of chips 1, 2, ...</summary>
        public IReadOnlyList<string> Starts { get; }

        public double LinkGigabytesPerSecond { get; }

        public double Gflops { get; }

        public long MemoryKiB { get; }
    }
}
