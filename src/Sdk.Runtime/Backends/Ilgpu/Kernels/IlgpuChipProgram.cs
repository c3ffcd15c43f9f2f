using ILGPU.Runtime;

namespace Sdk.Runtime.Backends.Ilgpu;

/// <summary>
/// One chip's share of a network as ILGPU kernels. The source generator writes a subclass per chip
/// (<c>X.Chip{n}.g.cs</c>) whose kernels have every shape baked in; the runtime loads it once per model and
/// calls it layer by layer and cut by cut.
/// </summary>
public abstract class IlgpuChipProgram
{
    /// <summary>The backend's name: the key of these programs in a network's <see cref="ChipPrograms"/>.</summary>
    public const string Backend = "ilgpu";

    protected IlgpuChipProgram(int chip) => Chip = chip;

    public int Chip { get; }

    /// <summary>Compiles every kernel of this chip for <paramref name="accelerator"/>.</summary>
    public abstract void Load(Accelerator accelerator);

    /// <summary>Launches the kernels of plan layer <paramref name="layer"/>.</summary>
    public abstract void Compute(int layer, IlgpuBuffers b);

    /// <summary>Packs the tensor of cut <paramref name="cut"/> into its wire buffer (this chip sends it).</summary>
    public abstract void Pack(int cut, IlgpuBuffers b);

    /// <summary>Unpacks the wire buffer of cut <paramref name="cut"/> into its received float tensor.</summary>
    public abstract void Unpack(int cut, IlgpuBuffers b);
}
