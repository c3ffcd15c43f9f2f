using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Sdk.Generator.Analysis;
using Sdk.Generator.Model;

namespace Sdk.Generator.Emit;

/// <summary>
/// Emits <c>X.Chip{n}.g.cs</c>: chip n's ILGPU kernels with every shape baked in as a constant (each a thin
/// wrapper over <c>Sdk.Runtime.Ilgpu.DeviceOps</c> in a grid-stride loop, so each thread does enough work on
/// the CPU simulator and any launch size fits a GPU), and the host code that loads them once and launches them
/// for a layer, or to pack and unpack the tensors of the chip's cuts.
/// </summary>
internal static class ChipEmitter
{
    private const string Ops = "global::Sdk.Runtime.Ilgpu.DeviceOps";
    private const string Shapes_ = "global::Sdk.Runtime.Ilgpu";
    private const string View = "__SdkView";
    private const string HalfView = "global::ILGPU.ArrayView<ushort>";
    private const string ByteView = "global::ILGPU.ArrayView<sbyte>";

    /// <summary>One kernel: its parameters (type, name), the DeviceOps call, and how the host launches it.</summary>
    private sealed record Kernel(string Name, (string Type, string Name)[] Parameters, string Body, string Count, string[] Arguments);

    public static string Emit(TypeSpec type, PlanModel plan, int chip)
    {
        var compute = new List<(int Layer, List<Kernel> Kernels)>();
        foreach (var layer in plan.Layers.Where(l => l.Chip == chip))
        {
            compute.Add((layer.Index, LayerKernels(plan, layer)));
        }

        var pack = plan.Cuts.Where(c => c.FromChip == chip).Select(c => (c.Index, WireKernels(plan, c, pack: true))).ToList();
        var unpack = plan.Cuts.Where(c => c.ToChip == chip).Select(c => (c.Index, WireKernels(plan, c, pack: false))).ToList();
        var all = compute.SelectMany(c => c.Kernels).Concat(pack.SelectMany(p => p.Item2)).Concat(unpack.SelectMany(u => u.Item2)).ToList();

        var w = new SourceWriter();
        w.Line($"using {View} = global::ILGPU.ArrayView<float>;");
        w.Line();
        w.InType(type, null, () =>
        {
            w.Line($"/// <summary>Chip {chip}'s kernels (shapes are constants) and the host code that launches them.</summary>");
            w.Open($"private sealed class __SdkChip{chip} : global::Sdk.Runtime.Ilgpu.IlgpuChipProgram");
            w.Line($"public __SdkChip{chip}() : base({chip}) {{ }}");
            foreach (var kernel in all)
            {
                w.Line();
                var parameters = string.Join(", ", kernel.Parameters.Select(p => $"{p.Type} {p.Name}"));
                w.Line($"private static void {kernel.Name}(global::ILGPU.Index1D i, int total, int stride, {parameters})");
                w.Open();
                w.Line("for (var k = i.X; k < total; k += stride)");
                w.Open();
                w.Line($"{kernel.Body};");
                w.Close();
                w.Close();
                w.Line();
                w.Line($"private {Delegate(kernel)}? _{kernel.Name};");
            }

            w.Line();
            w.Line("/// <summary>Compiles every kernel of this chip for the accelerator, once per model.</summary>");
            w.Open("public override void Load(global::ILGPU.Runtime.Accelerator accelerator)");
            foreach (var kernel in all)
            {
                w.Line($"_{kernel.Name} = global::ILGPU.Runtime.KernelLoaders.LoadAutoGroupedKernel<global::ILGPU.Index1D, int, int, {string.Join(", ", kernel.Parameters.Select(p => p.Type))}>(accelerator, {kernel.Name});");
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
        w.Open($"public override void {method}(int {what}, global::Sdk.Runtime.Ilgpu.IlgpuBuffers b)");
        w.Open($"switch ({what})");
        foreach (var (index, kernels) in cases)
        {
            w.Line($"case {index}:");
            foreach (var kernel in kernels)
            {
                w.Line($"    _{kernel.Name}!(b.Stream, b.Threads({kernel.Count}), b.Batch * {kernel.Count}, b.Threads({kernel.Count}), {string.Join(", ", kernel.Arguments)});");
            }

            w.Line("    break;");
        }

        w.Line("default:");
        w.Line($"    throw new global::System.ArgumentOutOfRangeException(nameof({what}), {what}, \"not a {what} of chip \" + Chip);");
        w.Close();
        w.Close();
    }

    private static string Delegate(Kernel kernel) =>
        $"global::System.Action<global::ILGPU.Runtime.AcceleratorStream, global::ILGPU.Index1D, int, int, {string.Join(", ", kernel.Parameters.Select(p => p.Type))}>";

    private static List<Kernel> LayerKernels(PlanModel plan, PlannedLayer layer)
    {
        var a = layer.Arguments;
        var name = $"L{layer.Index}_{Identifier(layer.Name)}";
        var input = layer.Inputs.Count > 0 ? InputShape(plan, layer.Inputs[0]) : plan.InputShape;
        var outputs = Shapes.Elements(layer.OutputShape);
        var x = $"b.Input({layer.Index}, 0)";
        var y = $"b.Output({layer.Index})";
        var p0 = $"b.Parameter({layer.Index}, 0)";
        var p1 = $"b.Parameter({layer.Index}, 1)";
        (string, string)[] unary = { (View, "x"), (View, "y") };
        (string, string)[] weighted = { (View, "x"), (View, "w"), (View, "bias"), (View, "y") };

        switch (layer.Kind)
        {
            case LayerKind.Conv2D:
            case LayerKind.BottleneckEncoder or LayerKind.BottleneckDecoder when layer.OutputShape.Count == 3:
            {
                // A BatchNorm folded into this convolution brings its activation and a bias (the runtime folds the parameters).
                var folded = plan.Layers.FirstOrDefault(l => l.FoldedInto == layer.Index);
                var activation = folded?.Arguments.Activation ?? a.Activation;
                var hasBias = folded is not null || a.Bias;
                var k = layer.Kind == LayerKind.Conv2D ? a.Kernel : 1;
                var shape = Create("ConvShape", input[0], input[1], input[2], layer.OutputShape[0], k, k, a.Stride, a.Stride, a.Padding, a.Padding,
                    a.Dilation, a.Dilation, a.Groups, layer.OutputShape[1], layer.OutputShape[2], hasBias ? 1 : 0, activation);
                return One(name, weighted, $"{Ops}.Conv2D(k, x, w, bias, y, {shape})", outputs, x, p0, hasBias ? p1 : p0, y);
            }

            case LayerKind.Dense:
            case LayerKind.BottleneckEncoder:
            case LayerKind.BottleneckDecoder:
            {
                var shape = Create("DenseShape", Shapes.Elements(input), outputs, a.Bias ? 1 : 0, a.Activation);
                return One(name, weighted, $"{Ops}.Dense(k, x, w, bias, y, {shape})", outputs, x, p0, a.Bias ? p1 : p0, y);
            }

            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
            {
                var kind = layer.Kind == LayerKind.MaxPool ? 0 : 1;
                var shape = Create("PoolShape", kind, input[0], input[1], input[2], a.Kernel, a.Kernel, a.Stride, a.Stride, a.Padding, a.Padding,
                    a.Padding, a.Padding, 1, 1, layer.OutputShape[1], layer.OutputShape[2], 0);
                return One(name, unary, $"{Ops}.Pool(k, x, y, {shape})", outputs, x, y);
            }

            case LayerKind.GlobalAvgPool:
                return One(name, unary, $"{Ops}.GlobalAveragePool(k, x, y, {input[1] * input[2]})", input[0], x, y);

            case LayerKind.BatchNorm when layer.FoldedInto >= 0:
                return new List<Kernel>(); // folded: its output is the convolution's

            case LayerKind.BatchNorm:
            {
                var shape = Create("ChannelAffineShape", input[0], Shapes.Elements(input) / input[0], a.Activation);
                (string, string)[] affine = { (View, "x"), (View, "scale"), (View, "shift"), (View, "y") };
                return One(name, affine, $"{Ops}.ChannelAffine(k, x, scale, shift, y, {shape})", outputs, x, p0, p1, y);
            }

            case LayerKind.Softmax:
            {
                var inner = layer.OutputShape.Count == 3 ? layer.OutputShape[1] * layer.OutputShape[2] : 1;
                var shape = Create("SoftmaxShape", 0, layer.OutputShape[0], inner);
                return One(name, unary, $"{Ops}.Softmax(k, x, y, {shape})", inner, x, y);
            }

            case LayerKind.Activation:
                return One(name, unary, $"{Ops}.Activation(k, x, y, {a.Activation})", outputs, x, y);

            case LayerKind.Add:
            {
                // Two inputs at a time; the activation only after the last sum.
                var kernels = new List<Kernel>();
                (string, string)[] binary = { (View, "a"), (View, "c"), (View, "y") };
                for (var k = 1; k < layer.Inputs.Count; k++)
                {
                    var activation = k == layer.Inputs.Count - 1 ? a.Activation : 0;
                    var left = k == 1 ? x : y;
                    kernels.Add(new Kernel($"{name}_{k}", binary, $"{Ops}.Add(k, a, c, y, {activation})", Count(outputs), new[] { left, $"b.Input({layer.Index}, {k})", y }));
                }

                return kernels;
            }

            case LayerKind.Concat:
            {
                var kernels = new List<Kernel>();
                var inner = (int)(outputs / layer.OutputShape[0]);
                var offset = 0;
                for (var k = 0; k < layer.Inputs.Count; k++)
                {
                    var channels = InputShape(plan, layer.Inputs[k])[0];
                    var shape = Create("ConcatShape", channels, inner, layer.OutputShape[0], offset);
                    kernels.Add(new Kernel($"{name}_{k}", unary, $"{Ops}.ConcatPart(k, x, y, {shape})", Count((long)channels * inner), new[] { $"b.Input({layer.Index}, {k})", y }));
                    offset += channels;
                }

                return kernels;
            }

            default:
                // Flatten and Dropout (inference) copy.
                return One(name, unary, $"{Ops}.Copy(k, x, y)", outputs, x, y);
        }
    }

    private static List<Kernel> WireKernels(PlanModel plan, PlannedCut cut, bool pack)
    {
        var name = $"{(pack ? "Pack" : "Unpack")}{cut.Index}";
        var n = Shapes.Elements(cut.Shape);
        var tensor = pack ? $"b.Output({cut.SourceLayer})" : $"b.Received({cut.Index})";
        (string, string)[] floats = { (View, "x"), (View, "y") };
        switch (cut.Format)
        {
            case WireFormats.Float16:
            case WireFormats.BFloat16:
                var op = cut.Format == WireFormats.Float16 ? "Float16" : "BFloat16";
                return pack
                    ? One(name, new[] { (View, "x"), (HalfView, "wire") }, $"{Ops}.Pack{op}(k, x, wire)", n, tensor, $"b.WireAsHalf({cut.Index})")
                    : One(name, new[] { (HalfView, "wire"), (View, "x") }, $"{Ops}.Unpack{op}(k, wire, x)", n, $"b.WireAsHalf({cut.Index})", tensor);
            case WireFormats.Int8:
                var scales = $"b.WireScales({cut.Index})";
                var data = $"b.WireAsInt8({cut.Index})";
                if (!pack)
                {
                    return One(name, new[] { (ByteView, "wire"), (View, "scales"), (View, "x") }, $"{Ops}.Int8Dequantize(k, wire, scales, x, {n})", n, data, scales, tensor);
                }

                return new List<Kernel>
                {
                    new($"{name}_Scale", new[] { (View, "x"), (View, "scales") }, $"{Ops}.Int8Scale(k, x, scales, {n})", "1", new[] { tensor, scales }),
                    new($"{name}_Quantize", new[] { (View, "x"), (View, "scales"), (ByteView, "wire") }, $"{Ops}.Int8Quantize(k, x, scales, wire, {n})", Count(n), new[] { tensor, scales, data }),
                };
            default:
                var wire = $"b.WireAsFloat({cut.Index})";
                return pack
                    ? One(name, floats, $"{Ops}.Copy(k, x, y)", n, tensor, wire)
                    : One(name, floats, $"{Ops}.Copy(k, x, y)", n, wire, tensor);
        }
    }

    private static List<Kernel> One(string name, (string, string)[] parameters, string body, long count, params string[] arguments) =>
        new() { new Kernel(name, parameters, body, Count(count), arguments) };

    private static string Count(long perSample) => perSample.ToString(CultureInfo.InvariantCulture);

    private static IReadOnlyList<int> InputShape(PlanModel plan, int index) => index < 0 ? plan.InputShape : plan.Layers[index].OutputShape;

    private static string Create(string shape, params long[] values) =>
        $"new {Shapes_}.{shape}({string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))})";

    private static string Identifier(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            text.Append(char.IsLetterOrDigit(c) ? c : '_');
        }

        return text.ToString();
    }
}
