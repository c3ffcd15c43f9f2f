using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>Element-wise sum (residual connections) and channel concatenation of NCHW tensors.</summary>
    public static class TensorOps
    {
        /// <summary>y = act(a + b) (y may alias a or b).</summary>
        public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> output, Activation activation = Activation.None)
        {
            if (b.Length < a.Length || output.Length < a.Length)
            {
                throw new ArgumentException("Add needs operands and output of the same length.");
            }

            Span<float> y = output.Slice(0, a.Length);
            TensorPrimitives.Add(a, b.Slice(0, a.Length), y);
            if (activation != Activation.None)
            {
                Activations.Forward(activation, y);
            }
        }

        /// <summary>
        /// Backward of <see cref="Add"/> (given dL/d(pre-activation sum)): both inputs receive the gradient.
        /// Each destination may be empty (skipped); <paramref name="accumulate"/> adds instead of overwriting, for an
        /// input that also feeds other layers (a residual branch).
        /// </summary>
        public static void AddBackward(ReadOnlySpan<float> gradOutput, Span<float> gradA, Span<float> gradB, bool accumulate = false)
        {
            Route(gradOutput, gradA, accumulate);
            Route(gradOutput, gradB, accumulate);
        }

        private static void Route(ReadOnlySpan<float> g, Span<float> dst, bool accumulate)
        {
            if (dst.IsEmpty)
            {
                return;
            }

            ConvPlan.CheckLength(dst, g.Length, "gradient");
            if (accumulate)
            {
                TensorPrimitives.Add(dst.Slice(0, g.Length), g, dst);
            }
            else
            {
                g.CopyTo(dst);
            }
        }

        /// <summary>
        /// Copies <paramref name="input"/> [batch, inputChannels, spatial] into channels
        /// [channelOffset, channelOffset + inputChannels) of <paramref name="output"/> [batch, outputChannels, spatial].
        /// Call once per input of a concatenation.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void ConcatChannels(ReadOnlySpan<float> input, int inputChannels, Span<float> output, int outputChannels, int channelOffset, int batch, int spatial)
        {
            CheckSlice(inputChannels, outputChannels, channelOffset, batch, spatial, input.Length, output.Length);
            int block = inputChannels * spatial;
            for (int n = 0; n < batch; n++)
            {
                input.Slice(n * block, block).CopyTo(output.Slice(((n * outputChannels) + channelOffset) * spatial, block));
            }
        }

        /// <summary>
        /// The backward of <see cref="ConcatChannels"/> (and a channel split): copies channels
        /// [channelOffset, channelOffset + inputChannels) of <paramref name="gradOutput"/> into <paramref name="gradInput"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void SplitChannels(ReadOnlySpan<float> gradOutput, int outputChannels, int channelOffset, Span<float> gradInput, int inputChannels, int batch, int spatial)
        {
            CheckSlice(inputChannels, outputChannels, channelOffset, batch, spatial, gradInput.Length, gradOutput.Length);
            int block = inputChannels * spatial;
            for (int n = 0; n < batch; n++)
            {
                gradOutput.Slice(((n * outputChannels) + channelOffset) * spatial, block).CopyTo(gradInput.Slice(n * block, block));
            }
        }

        private static void CheckSlice(int inputChannels, int outputChannels, int channelOffset, int batch, int spatial, int inputLength, int outputLength)
        {
            if (inputChannels < 0 || channelOffset < 0 || channelOffset + inputChannels > outputChannels || batch < 0 || spatial < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(channelOffset), "Channel slice outside the concatenated tensor.");
            }

            if (inputLength < (long)batch * inputChannels * spatial || outputLength < (long)batch * outputChannels * spatial)
            {
                throw new ArgumentException("Tensor shorter than its shape.");
            }
        }
    }
}
