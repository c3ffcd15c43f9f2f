using System;
using System.Numerics.Tensors;
using Sdk.Runtime.Tests.Networks;

namespace Sdk.Runtime.Tests.Execution;

/// <summary>Wrong input is an exception that names the network, layer or tensor and the expected shape; never a partial result.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly ChipSet _chips = ChipSet.IlgpuCpu(2);
    private readonly Model _model;

    public BadInputTests() => _model = Model.Create(new SplitResidual(), _chips);

    public void Dispose()
    {
        _model.Dispose();
        _chips.Dispose();
    }

    [Fact]
    public void WrongInputLength()
    {
        var error = Assert.Throws<ArgumentException>(() => _model.Run(new float[(2 * 3 * 12 * 12) - 1], 2));
        Assert.Contains("'SplitResidual' takes 864 input values for a batch of 2 (shape [2, 3, 12, 12]), but got 863", error.Message);
    }

    [Fact]
    public void WrongTensorShape()
    {
        var input = Tensor.Create(new float[2 * 12 * 12 * 3], new nint[] { 2, 12, 12, 3 });
        var error = Assert.Throws<ArgumentException>(() => _model.Run(input));
        Assert.Contains("takes input of shape [batch, 3, 12, 12], but the tensor has shape [2, 12, 12, 3]", error.Message);
    }

    [Fact]
    public void NullTensor() => Assert.Throws<ArgumentNullException>(() => _model.Run((Tensor<float>)null!));

    [Fact]
    public void WrongOutputLength()
    {
        var error = Assert.Throws<ArgumentException>(() => _model.Run(new float[864], 2, new float[9]));
        Assert.Contains("writes 10 output values for a batch of 2 (layer 'Probs', shape [2, 5])", error.Message);
    }

    [Fact]
    public void NonPositiveBatch() => Assert.Throws<ArgumentOutOfRangeException>(() => _model.Run(ReadOnlySpan<float>.Empty, 0));

    [Fact]
    public void DisposedModel()
    {
        using var chips = ChipSet.IlgpuCpu(2);
        var model = Model.Create(new SplitResidual(), chips);
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Run(new float[432], 1));
    }

    [Fact]
    public void DisposedChipSet()
    {
        var chips = ChipSet.IlgpuCpu(2);
        using var model = Model.Create(new SplitResidual(), chips);
        chips.Dispose();
        var error = Assert.Throws<ObjectDisposedException>(() => model.Run(new float[432], 1));
        Assert.Contains("chip set has been disposed", error.Message);
        Assert.Throws<ObjectDisposedException>(() => Model.Create(new SplitResidual(), chips));
    }

    [Fact]
    public void WrongChipCount()
    {
        using var chips = ChipSet.IlgpuCpu(3);
        var error = Assert.Throws<ArgumentException>(() => Model.Create(new SplitResidual(), chips));
        Assert.Contains("'SplitResidual' is planned for 2 chips, but the chip set has 3", error.Message);
    }

    [Fact]
    public void NaNRejectedWhenAsked()
    {
        using var chips = ChipSet.IlgpuCpu(2);
        using var model = Model.Create(new SplitResidual(), chips, NanPolicy.Reject);
        var input = new float[432];
        input[17] = float.NaN;
        var error = Assert.Throws<ArithmeticException>(() => model.Run(input, 1));
        Assert.Contains("NaN in the input at element 17", error.Message);
        Assert.Equal(0, model.Ledger.ForwardSamples); // nothing ran
    }

    [Fact]
    public void TensorRunGivesTheSameAsSpanRun()
    {
        var values = ExecutionAssert.Input(864);
        var expected = _model.Run(values, 2);
        var output = _model.Run(Tensor.Create(values, new nint[] { 2, 3, 12, 12 }));

        Assert.Equal(new nint[] { 2, 5 }, output.Lengths.ToArray());
        var actual = new float[10];
        output.FlattenTo(actual);
        Assert.Equal(expected, actual);
    }
}
