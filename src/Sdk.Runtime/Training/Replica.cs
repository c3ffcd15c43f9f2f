using System;
using System.Collections.Generic;
using System.Linq;
using Sdk.Runtime.Backends;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Training;

/// <summary>
/// One copy of the network on its own chips (one per plan chip) with its own parameters and gradients: forward chip
/// by chip in plan order with training semantics, the loss, backward in reverse plan order, every cut through the
/// trainer's <see cref="CutTransport"/>. Data-parallel training runs several on shares of each batch; replica 0 trains
/// on the master parameters.
/// </summary>
internal sealed class Replica : IDisposable
{
    private readonly NetworkPlan _plan;
    private readonly TrainingExecutor[] _chips;
    private readonly int[][] _cutsBySource;
    private readonly int[] _inputCuts;
    private float[] _lossGradient = Array.Empty<float>();

    public Replica(NetworkPlan plan, ParameterSet parameters, Dictionary<string, float[]> gradients, IReadOnlyList<ChipDevice> chips)
    {
        _plan = plan;
        Parameters = parameters;
        Gradients = gradients;
        var state = new TrainingState(parameters, gradients);
        _chips = Enumerable.Range(0, plan.Chips.Count).Select(c => chips[c].CreateTraining(plan, c, state)).ToArray();
        _cutsBySource = plan.Layers.Select(l => plan.Cuts.Where(c => c.SourceLayer == l.Index).Select(c => c.Index).ToArray()).ToArray();
        _inputCuts = plan.Cuts.Where(c => c.IsInput).Select(c => c.Index).ToArray();

        var last = plan.Output;
        (LossLayer, LossInput) = last.Kind == LayerKind.Softmax ? (last.Index, 0) : (last.Index, -1);
        var logitsShape = LossInput < 0 ? last.OutputShape : last.Inputs[0] < 0 ? plan.InputShape : plan.Layers[last.Inputs[0]].OutputShape;
        Classes = (int)Shapes.Elements(logitsShape);
    }

    public ParameterSet Parameters { get; }

    /// <summary>One array per trainable tensor, written by the backward pass.</summary>
    public Dictionary<string, float[]> Gradients { get; }

    /// <summary>The layer whose output (or whose input <see cref="LossInput"/>, for a final softmax) the loss reads.</summary>
    public int LossLayer { get; }

    public int LossInput { get; }

    public int Classes { get; }

    /// <summary>Forward in training mode on <paramref name="batch"/> samples; returns the loss's input, batch x classes.</summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> images, int batch, int seed, long step, CutTransport transport)
    {
        foreach (var chip in _chips)
        {
            chip.Prepare(batch);
            if (chip.ReadsInput)
            {
                chip.WriteInput(images);
            }
        }

        // The input to the chips that read it elsewhere (forward only: the input takes no gradient, so the backward
        // pass, which walks the layers' cuts, never sends one back), then the plan's execution order, each cut sent
        // right after its source layer.
        foreach (var cut in _inputCuts)
        {
            transport.Transfer(cut, CutDirection.Forward, batch, _chips[_plan.InputChip], _chips[_plan.Cuts[cut].ToChip]);
        }

        foreach (var layer in _plan.Layers)
        {
            _chips[layer.Chip].Forward(layer.Index, seed, step);
            foreach (var cut in _cutsBySource[layer.Index])
            {
                var info = _plan.Cuts[cut];
                transport.Transfer(cut, CutDirection.Forward, batch, _chips[info.FromChip], _chips[info.ToChip]);
            }
        }

        transport.Ledger.CountForward(batch);
        return _chips[_plan.Layers[LossLayer].Chip].ReadLogits(LossLayer, LossInput);
    }

    /// <summary>The loss of the last forward and the backward pass: every trainable tensor's gradient in <see cref="Gradients"/>; returns the loss.</summary>
    public float Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, CutTransport transport)
    {
        foreach (var chip in _chips)
        {
            chip.BeginBackward();
        }

        if (_lossGradient.Length < logits.Length)
        {
            _lossGradient = new float[logits.Length];
        }

        var gradLogits = _lossGradient.AsSpan(0, logits.Length);
        var loss = Softmax.CrossEntropy(logits, labels, batch, Classes, gradLogits);
        _chips[_plan.Layers[LossLayer].Chip].WriteLogitsGradient(LossLayer, LossInput, gradLogits);

        // Reverse plan order; a cut's gradient goes back just before its source layer's backward, when every reader
        // of the cut (all later in plan order) has added its share.
        for (var i = _plan.Layers.Count - 1; i >= 0; i--)
        {
            foreach (var cut in _cutsBySource[i])
            {
                var info = _plan.Cuts[cut];
                transport.Transfer(cut, CutDirection.Backward, batch, _chips[info.ToChip], _chips[info.FromChip]);
            }

            if (i == LossLayer && LossInput >= 0)
            {
                continue; // the final Softmax is part of the loss
            }

            _chips[_plan.Layers[i].Chip].Backward(i);
        }

        transport.Ledger.CountBackward(batch);
        return loss;
    }

    /// <summary>
    /// The pass is over (after <see cref="Backward"/> when <paramref name="backward"/>, else after <see cref="Forward"/>):
    /// every chip's gradients and running statistics into this replica's arrays (remote chips bring them home).
    /// </summary>
    public void EndPass(bool backward)
    {
        foreach (var chip in _chips)
        {
            chip.EndPass(backward);
        }
    }

    /// <summary>Releases what each chip holds for this replica (a remote chip's session).</summary>
    public void Dispose()
    {
        foreach (var chip in _chips)
        {
            chip.Dispose();
        }
    }
}
