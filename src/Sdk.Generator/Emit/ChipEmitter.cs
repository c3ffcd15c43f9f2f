using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Sdk.Compiler;
using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>
/// Emits <c>X.Chip{n}.g.cs</c>: chip n's ILGPU kernels with every shape baked in as a constant, and the host code
/// that loads them once and launches them for a layer, or to pack and unpack the tensors of the chip's cuts.
/// Convolutions and dense layers are tiled GEMMs (<c>TiledOps</c>: thread groups staging blocks of the weights and
/// of the implicit column matrix in shared memory, bias and activation fused into the store), launched with a
/// grid of blocks; every other kernel is a thin wrapper over <c>Sdk.Runtime.Backends.Ilgpu.DeviceOps</c> in a
/// grid-stride loop, so each thread does enough work on the CPU simulator and any launch size fits a GPU. Kernels
/// are named by plan index, never by the user's names, so no name can clash or grow past C#'s limits; every type is
/// written fully qualified and no contextual keyword (<c>var</c>, <c>nameof</c>) is used, so no name the user
/// declares can change what this code binds to.
/// </summary>
internal static class ChipEmitter
{
    private const string Ops = "global::Sdk.Runtime.Backends.Ilgpu.DeviceOps";
    private const string Tiled = "global::Sdk.Runtime.Backends.Ilgpu.TiledOps";
    private const string ShapesNs = "global::Sdk.Runtime.Backends";
    private const string View = "global::ILGPU.ArrayView<float>";
    private const string HalfView = "global::ILGPU.ArrayView<ushort>";
    private const string ByteView = "global::ILGPU.ArrayView<sbyte>";
    private const string WireView = "global::ILGPU.ArrayView<byte>";

    private static readonly (string, string)[] Unary = { (View, "x"), (View, "y") };
    private static readonly (string, string)[] Weighted = { (View, "x"), (View, "w"), (View, "bias"), (View, "y") };

    /// <summary>
    /// One kernel: its parameters (type, name), the device call, and how the host launches it: over Count elements
    /// per sample in a grid-stride loop, or, when <paramref name="Config"/> is set, as an explicitly grouped kernel
    /// with that launch configuration (an expression of the batch, <c>b.Batch</c>), which also receives the batch.
    /// </summary>
    internal sealed record Kernel(string Name, (string Type, string Name)[] Parameters, string Body, string Count, string[] Arguments, string? Config = null);

    /// <summary>What a layer kind's kernels are, one entry per <see cref="LayerKind"/> (a test checks the table is complete).</summary>
    internal static readonly IReadOnlyDictionary<LayerKind, Func<NetworkPlan, LayerInfo, List<Kernel>>> LayerKernels =
        new Dictionary<LayerKind, Func<NetworkPlan, LayerInfo, List<Kernel>>>
        {
            [LayerKind.Conv2D] = Convolution,
            [LayerKind.BottleneckEncoder] = Pointwise,
            [LayerKind.BottleneckDecoder] = Pointwise,
            [LayerKind.Dense] = DenseLayer,
            [LayerKind.MaxPool] = Pool,
            [LayerKind.AvgPool] = Pool,
            [LayerKind.GlobalAvgPool] = (plan, layer) => One(Name(layer), Unary, $"{Ops}.GlobalAveragePool(k, x, y, {InputShape(plan, layer.Inputs[0])[1] * InputShape(plan, layer.Inputs[0])[2]})", layer.OutputShape[0], X(layer), Y(layer)),
            [LayerKind.BatchNorm] = BatchNorm,
            [LayerKind.Softmax] = Softmax,
            [LayerKind.Activation] = (plan, layer) => One(Name(layer), Unary, $"{Ops}.Activation(k, x, y, {(int)layer.Activation})", Shapes.Elements(layer.OutputShape), X(layer), Y(layer)),
            [LayerKind.Add] = Add,
            [LayerKind.Concat] = Concat,
            [LayerKind.Flatten] = Copy,
            [LayerKind.Dropout] = Copy, // identity in inference
        };

    /// <summary>How each wire format packs and unpacks on the device, one entry per <see cref="WireFormat"/> (a test checks the table is complete).</summary>
    internal static readonly IReadOnlyDictionary<WireFormat, Func<CutInfo, bool, List<Kernel>>> WireKernels =
        new Dictionary<WireFormat, Func<CutInfo, bool, List<Kernel>>>
        {
            [WireFormat.Float32] = (cut, pack) => pack
                ? One(WireName(cut, pack), Unary, $"{Ops}.Copy(k, x, y)", cut.Elements, Sent(cut), $"b.WireAsFloat({cut.Index})")
                : One(WireName(cut, pack), Unary, $"{Ops}.Copy(k, x, y)", cut.Elements, $"b.WireAsFloat({cut.Index})", Received(cut)),
            [WireFormat.Float16] = (cut, pack) => Half(cut, pack, "Float16"),
            [WireFormat.BFloat16] = (cut, pack) => Half(cut, pack, "BFloat16"),
            [WireFormat.Int8] = Int8,
            [WireFormat.Truncated] = Truncated,
        };

    public static string Emit(TypeSpec type, NetworkPlan plan, int chip)
    {
        var compute = plan.Layers.Where(l => l.Chip == chip).Select(l => (l.Index, l.FoldedInto >= 0 ? new List<Kernel>() : LayerKernels[l.Kind](plan, l))).ToList();
        var pack = plan.Cuts.Where(c => c.FromChip == chip).Select(c => (c.Index, WireKernels[c.Format](c, true))).ToList();
        var unpack = plan.Cuts.Where(c => c.ToChip == chip).Select(c => (c.Index, WireKernels[c.Format](c, false))).ToList();
        var all = compute.SelectMany(c => c.Item2).Concat(pack.SelectMany(p => p.Item2)).Concat(unpack.SelectMany(u => u.Item2)).ToList();

        var w = new SourceWriter();
        w.InType(type, null, () =>
        {
            w.Line($"/// <summary>Chip {chip}'s kernels (shapes are constants) and the host code that launches them.</summary>");
            w.Open($"private sealed class __SdkChip{chip} : global::Sdk.Runtime.Backends.Ilgpu.IlgpuChipProgram");
            w.Line($"public __SdkChip{chip}() : base({chip}) {{ }}");
            foreach (var kernel in all)
            {
                w.Line();
                var parameters = string.Join(", ", kernel.Parameters.Select(p => $"{p.Type} {p.Name}"));
                if (kernel.Config is not null)
                {
                    w.Line($"private static void {kernel.Name}({parameters}, int batch) => {kernel.Body};");
                }
                else
                {
                    w.Line($"private static void {kernel.Name}(global::ILGPU.Index1D i, int total, int stride, {parameters})");
                    w.Open();
                    w.Line("for (int k = i.X; k < total; k += stride)");
                    w.Open();
                    w.Line($"{kernel.Body};");
                    w.Close();
                    w.Close();
                }

                w.Line();
                w.Line($"private {Delegate(kernel)}? _{kernel.Name};");
            }

            w.Line();
            w.Line("/// <summary>Compiles every kernel of this chip for the accelerator, once per model.</summary>");
            w.Open("public override void Load(global::ILGPU.Runtime.Accelerator accelerator)");
            foreach (var kernel in all)
            {
                var types = string.Join(", ", kernel.Parameters.Select(p => p.Type));
                w.Line(kernel.Config is not null
                    ? $"_{kernel.Name} = global::ILGPU.Runtime.KernelLoaders.LoadKernel<{types}, int>(accelerator, {kernel.Name});"
                    : $"_{kernel.Name} = global::ILGPU.Runtime.KernelLoaders.LoadAutoGroupedKernel<global::ILGPU.Index1D, int, int, {types}>(accelerator, {kernel.Name});");
            }

            w.Close();
            WriteSwitch(w, "Compute", "layer", "Runs the kernels of plan layer <paramref name=\"layer\"/> for the buffers' batch.", compute);
            WriteSwitch(w, "Pack", "cut", "Packs the tensor of cut <paramref name=\"cut\"/> into its wire buffer (this chip sends it).", pack);
            WriteSwitch(w, "Unpack", "cut", "Unpacks the wire buffer of cut <paramref name=\"cut\"/> into a float tensor (this chip receives it).", unpack);
            w.Close();
        });
        return w.ToString();
    }

    private static void WriteSwitch(SourceWriter w, string method, string what, string summary, List<(int Index, List<Kernel> Kernels)> cases)
    {
        w.Line();
        w.Line($"/// <summary>{summary}</summary>");
        w.Open($"public override void {method}(int {what}, global::Sdk.Runtime.Backends.Ilgpu.IlgpuBuffers b)");
        w.Open($"switch ({what})");
        foreach (var (index, kernels) in cases)
        {
            w.Line($"case {index}:");
            foreach (var kernel in kernels)
            {
                w.Line(kernel.Config is not null
                    ? $"    _{kernel.Name}!(b.Stream, {kernel.Config}, {string.Join(", ", kernel.Arguments)}, b.Batch);"
                    : $"    _{kernel.Name}!(b.Stream, b.Threads({kernel.Count}), b.Batch * {kernel.Count}, b.Threads({kernel.Count}), {string.Join(", ", kernel.Arguments)});");
            }

            w.Line("    break;");
        }

        w.Line("default:");
        w.Line($"    throw new global::System.ArgumentOutOfRangeException(\"{what}\", {what}, \"not a {what} of chip \" + Chip);");
        w.Close();
        w.Close();
    }

    private static string Delegate(Kernel kernel) => kernel.Config is not null
        ? $"global::System.Action<global::ILGPU.Runtime.AcceleratorStream, global::ILGPU.KernelConfig, {string.Join(", ", kernel.Parameters.Select(p => p.Type))}, int>"
        : $"global::System.Action<global::ILGPU.Runtime.AcceleratorStream, global::ILGPU.Index1D, int, int, {string.Join(", ", kernel.Parameters.Select(p => p.Type))}>";

    private static List<Kernel> Convolution(NetworkPlan plan, LayerInfo layer)
    {
        // A BatchNorm folded into this convolution brings its activation and a bias (the runtime folds the parameters).
        var folded = plan.Layers.FirstOrDefault(l => l.FoldedInto == layer.Index);
        var activation = folded?.Activation ?? layer.Activation;
        var hasBias = folded is not null || layer.Bias;
        var k = layer.Kind == LayerKind.Conv2D ? layer.Kernel : 1;
        var input = InputShape(plan, layer.Inputs[0]);
        var shape = Create("ConvShape", input[0], input[1], input[2], layer.OutputShape[0], k, k, layer.Stride, layer.Stride, layer.Padding, layer.Padding,
            layer.Dilation, layer.Dilation, layer.Groups, layer.OutputShape[1], layer.OutputShape[2], hasBias ? 1 : 0, (int)activation);
        return TiledGemm(layer, $"{Tiled}.Conv2D(x, w, bias, y, {shape}, batch)", $"{Tiled}.ConvConfig({shape}, b.Batch, b.TiledSide)", hasBias);
    }

    /// <summary>A bottleneck encoder or decoder: a 1x1 convolution over an image, a dense layer over a vector.</summary>
    private static List<Kernel> Pointwise(NetworkPlan plan, LayerInfo layer) =>
        layer.OutputShape.Count == 3 ? Convolution(plan, layer) : DenseLayer(plan, layer);

    private static List<Kernel> DenseLayer(NetworkPlan plan, LayerInfo layer)
    {
        var shape = Create("DenseShape", Shapes.Elements(InputShape(plan, layer.Inputs[0])), Shapes.Elements(layer.OutputShape), layer.Bias ? 1 : 0, (int)layer.Activation);
        return TiledGemm(layer, $"{Tiled}.Dense(x, w, bias, y, {shape}, batch)", $"{Tiled}.DenseConfig({shape}, b.Batch, b.TiledSide)", layer.Bias);
    }

    /// <summary>A layer that is one tiled GEMM over its input, weights and bias (the weights stand in for a missing bias, unread).</summary>
    private static List<Kernel> TiledGemm(LayerInfo layer, string body, string config, bool hasBias) =>
        new() { new Kernel(Name(layer), Weighted, body, "0", new[] { X(layer), P(layer, 0), hasBias ? P(layer, 1) : P(layer, 0), Y(layer) }, config) };

    private static List<Kernel> Pool(NetworkPlan plan, LayerInfo layer)
    {
        var input = InputShape(plan, layer.Inputs[0]);
        var kind = layer.Kind == LayerKind.MaxPool ? 0 : 1;
        var shape = Create("PoolShape", kind, input[0], input[1], input[2], layer.Kernel, layer.Kernel, layer.Stride, layer.Stride, layer.Padding, layer.Padding,
            layer.Padding, layer.Padding, 1, 1, layer.OutputShape[1], layer.OutputShape[2], 0);
        return One(Name(layer), Unary, $"{Ops}.Pool(k, x, y, {shape})", Shapes.Elements(layer.OutputShape), X(layer), Y(layer));
    }

    private static List<Kernel> BatchNorm(NetworkPlan plan, LayerInfo layer)
    {
        var input = InputShape(plan, layer.Inputs[0]);
        var shape = Create("ChannelAffineShape", input[0], Shapes.Elements(input) / input[0], (int)layer.Activation);
        (string, string)[] affine = { (View, "x"), (View, "scale"), (View, "shift"), (View, "y") };
        return One(Name(layer), affine, $"{Ops}.ChannelAffine(k, x, scale, shift, y, {shape})", Shapes.Elements(layer.OutputShape), X(layer), P(layer, 0), P(layer, 1), Y(layer));
    }

    private static List<Kernel> Softmax(NetworkPlan plan, LayerInfo layer)
    {
        var inner = layer.OutputShape.Count == 3 ? layer.OutputShape[1] * layer.OutputShape[2] : 1;
        var shape = Create("SoftmaxShape", 0, layer.OutputShape[0], inner);
        return One(Name(layer), Unary, $"{Ops}.Softmax(k, x, y, {shape})", inner, X(layer), Y(layer));
    }

    /// <summary>Two inputs at a time; the activation only after the last sum.</summary>
    private static List<Kernel> Add(NetworkPlan plan, LayerInfo layer)
    {
        var kernels = new List<Kernel>();
        (string, string)[] binary = { (View, "a"), (View, "c"), (View, "y") };
        var outputs = Shapes.Elements(layer.OutputShape);
        for (var k = 1; k < layer.Inputs.Count; k++)
        {
            var activation = k == layer.Inputs.Count - 1 ? (int)layer.Activation : 0;
            var left = k == 1 ? X(layer) : Y(layer);
            kernels.Add(new Kernel($"{Name(layer)}_{k}", binary, $"{Ops}.Add(k, a, c, y, {activation})", Count(outputs), new[] { left, $"b.Input({layer.Index}, {k})", Y(layer) }));
        }

        return kernels;
    }

    private static List<Kernel> Concat(NetworkPlan plan, LayerInfo layer)
    {
        var kernels = new List<Kernel>();
        var inner = (int)(Shapes.Elements(layer.OutputShape) / layer.OutputShape[0]);
        var offset = 0;
        for (var k = 0; k < layer.Inputs.Count; k++)
        {
            var channels = InputShape(plan, layer.Inputs[k])[0];
            var shape = Create("ConcatShape", channels, inner, layer.OutputShape[0], offset);
            kernels.Add(new Kernel($"{Name(layer)}_{k}", Unary, $"{Ops}.ConcatPart(k, x, y, {shape})", Count((long)channels * inner), new[] { $"b.Input({layer.Index}, {k})", Y(layer) }));
            offset += channels;
        }

        return kernels;
    }

    private static List<Kernel> Copy(NetworkPlan plan, LayerInfo layer) =>
        One(Name(layer), Unary, $"{Ops}.Copy(k, x, y)", Shapes.Elements(layer.OutputShape), X(layer), Y(layer));

    private static List<Kernel> Half(CutInfo cut, bool pack, string op) => pack
        ? One(WireName(cut, pack), new[] { (View, "x"), (HalfView, "wire") }, $"{Ops}.Pack{op}(k, x, wire)", cut.Elements, Sent(cut), $"b.WireAsHalf({cut.Index})")
        : One(WireName(cut, pack), new[] { (HalfView, "wire"), (View, "x") }, $"{Ops}.Unpack{op}(k, wire, x)", cut.Elements, $"b.WireAsHalf({cut.Index})", Received(cut));

    /// <summary>Per sample one float32 scale first (one thread per sample), then the quantised values.</summary>
    private static List<Kernel> Int8(CutInfo cut, bool pack)
    {
        var n = cut.Elements;
        var scales = $"b.WireScales({cut.Index})";
        var data = $"b.WireAsInt8({cut.Index})";
        if (!pack)
        {
            return One(WireName(cut, pack), new[] { (ByteView, "wire"), (View, "scales"), (View, "x") }, $"{Ops}.Int8Dequantize(k, wire, scales, x, {n})", n, data, scales, Received(cut));
        }

        return new List<Kernel>
        {
            new($"{WireName(cut, pack)}_Scale", new[] { (View, "x"), (View, "scales") }, $"{Ops}.Int8Scale(k, x, scales, {n})", "1", new[] { Sent(cut), scales }),
            new($"{WireName(cut, pack)}_Quantize", new[] { (View, "x"), (View, "scales"), (ByteView, "wire") }, $"{Ops}.Int8Quantize(k, x, scales, wire, {n})", Count(n), new[] { Sent(cut), scales, data }),
        };
    }

    /// <summary>Packing: one thread per wire byte (it reads the values whose bits fall in it); unpacking: one per value.</summary>
    private static List<Kernel> Truncated(CutInfo cut, bool pack)
    {
        var n = cut.Elements;
        var bits = cut.Encoding.Bits;
        var wire = $"b.Wire({cut.Index})";
        var sampleBytes = ((n * bits) + 7) / 8;
        return pack
            ? One(WireName(cut, pack), new[] { (View, "x"), (WireView, "wire") }, $"{Ops}.PackTruncated(k, x, wire, {n}, {bits})", sampleBytes, Sent(cut), wire)
            : One(WireName(cut, pack), new[] { (WireView, "wire"), (View, "x") }, $"{Ops}.UnpackTruncated(k, wire, x, {n}, {bits})", n, wire, Received(cut));
    }

    private static List<Kernel> One(string name, (string, string)[] parameters, string body, long count, params string[] arguments) =>
        new() { new Kernel(name, parameters, body, Count(count), arguments) };

    private static string Name(LayerInfo layer) => $"L{layer.Index}";

    private static string WireName(CutInfo cut, bool pack) => $"{(pack ? "Pack" : "Unpack")}{cut.Index}";

    private static string X(LayerInfo layer) => $"b.Input({layer.Index}, 0)";

    private static string Y(LayerInfo layer) => $"b.Output({layer.Index})";

    private static string P(LayerInfo layer, int p) => $"b.Parameter({layer.Index}, {p})";

    private static string Sent(CutInfo cut) => cut.IsInput ? "b.NetworkInput" : $"b.Output({cut.SourceLayer})";

    private static string Received(CutInfo cut) => $"b.Received({cut.Index})";

    private static string Count(long perSample) => perSample.ToString(CultureInfo.InvariantCulture);

    private static EquatableArray<int> InputShape(NetworkPlan plan, int index) => index < 0 ? plan.InputShape : plan.Layers[index].OutputShape;

    private static string Create(string shape, params long[] values) =>
        $"new {ShapesNs}.{shape}({string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))})";
}
