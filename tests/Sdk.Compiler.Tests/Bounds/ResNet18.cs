using System.Collections.Generic;

namespace Sdk.Compiler.Tests.Bounds;

/// <summary>The CIFAR ResNet-18 of samples/ResNetTraffic (3x32x32, 1x1 projection shortcuts) as a spec, on one chip of the given memory.</summary>
internal static class ResNet18
{
    public static NetworkSpec Spec(long memoryKiB)
    {
        var layers = new List<LayerSpec>();
        void Add(string name, LayerKind kind, LayerArguments arguments, params string[] inputs) =>
            layers.Add(new LayerSpec(name, kind, arguments, inputs.Length == 0 ? LayerSpec.ReadsPrevious : EquatableArray.Of(inputs)));
        LayerArguments Conv(int filters, int kernel, int stride) => new() { Size = filters, Kernel = kernel, Stride = stride, Padding = kernel / 2 };
        var norm = new LayerArguments { Epsilon = 1e-5, Momentum = 0.1 };
        var relu = norm with { Activation = Activation.Relu };

        Add("Stem", LayerKind.Conv2D, Conv(64, 3, 1));
        Add("StemBn", LayerKind.BatchNorm, relu);
        var previous = "StemBn";
        var channels = 64;
        foreach (var (stage, width) in new[] { (1, 64), (2, 128), (3, 256), (4, 512) })
        {
            for (var block = 1; block <= 2; block++)
            {
                var name = $"L{stage}B{block}";
                var stride = block == 1 && stage > 1 ? 2 : 1;
                Add(name + "Conv1", LayerKind.Conv2D, Conv(width, 3, stride), previous);
                Add(name + "Bn1", LayerKind.BatchNorm, relu);
                Add(name + "Conv2", LayerKind.Conv2D, Conv(width, 3, 1));
                Add(name + "Bn2", LayerKind.BatchNorm, norm);
                var shortcut = previous;
                if (width != channels)
                {
                    Add(name + "Proj", LayerKind.Conv2D, Conv(width, 1, 2), previous);
                    Add(name + "ProjBn", LayerKind.BatchNorm, norm);
                    shortcut = name + "ProjBn";
                }

                Add(name + "Out", LayerKind.Add, new LayerArguments { Activation = Activation.Relu }, name + "Bn2", shortcut);
                previous = name + "Out";
                channels = width;
            }
        }

        Add("Pool", LayerKind.GlobalAvgPool, LayerArguments.None);
        Add("Logits", LayerKind.Dense, new LayerArguments { Size = 10, Bias = true });
        return new NetworkSpec(
            "ResNet18", EquatableArray.Of(3, 32, 32), PlacementMode.Manual, EquatableArray.Of(new ChipSpec(0, "npu0", 25, memoryKiB)),
            EquatableArray<LinkSpec>.Empty, layers.ToEquatableArray());
    }
}
