using System;
using System.Linq;
using Sdk.Generator.Emit;

namespace Sdk.Generator.Tests;

/// <summary>The ILGPU backend's generated kernels cover every layer kind and wire format the compiler knows.</summary>
public class EmitterCompletenessTests
{
    [Fact]
    public void EveryLayerKindHasIlgpuKernels() =>
        Assert.Equal(Enum.GetValues<LayerKind>().Order(), ChipEmitter.LayerKernels.Keys.Order());

    [Fact]
    public void EveryWireFormatHasIlgpuPackAndUnpack() =>
        Assert.Equal(Enum.GetValues<WireFormat>().Order(), ChipEmitter.WireKernels.Keys.Order());
}
