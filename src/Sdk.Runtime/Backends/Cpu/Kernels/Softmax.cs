using System;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Softmax over the channel axis of [batch, channels, spatial] (spatial = 1 for a vector of class scores:
    /// softmax over features), numerically stable (the maximum is subtracted first), and softmax cross-entropy.
    /// </summary>
    public static unsafe class Softmax
    {
        public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int spatial = 1)
        {
            Check(input, output, batch, channels, spatial);
            fixed (float* x = input)
            fixed (float* y = output)
            {
                var job = new Job { Kind = 0, X = x, Y = y, Channels = channels, Spatial = spatial };
                Run(ref job, batch);
            }
        }

        /// <summary>dx = y ⊙ (dy − Σ_c y·dy) from the forward output y (dx may alias dy).</summary>
        public static void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> gradOutput, Span<float> gradInput, int batch, int channels, int spatial = 1)
        {
            Check(output, gradOutput, batch, channels, spatial);
            ConvPlan.CheckLength(gradInput, (long)batch * channels * spatial, nameof(gradInput));
            fixed (float* y = output)
            fixed (float* dy = gradOutput)
            fixed (float* dx = gradInput)
            {
                var job = new Job { Kind = 1, X = dy, Y = y, Dx = dx, Channels = channels, Spatial = spatial };
                Run(ref job, batch);
            }
        }

        /// <summary>
        /// Mean over the batch of −log softmax(logits)[label] for logits [batch, classes]. When
        /// <paramref name="gradLogits"/> is given it receives d(mean loss)/d(logits) = (softmax − onehot)/batch.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static float CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, int classes, Span<float> gradLogits = default)
        {
            ConvPlan.CheckLength(logits, (long)batch * classes, nameof(logits));
            if (labels.Length < batch)
            {
                throw new ArgumentException("One label per sample is needed.", nameof(labels));
            }

            if (!gradLogits.IsEmpty)
            {
                ConvPlan.CheckLength(gradLogits, (long)batch * classes, nameof(gradLogits));
            }

            double total = 0;
            float invBatch = 1f / batch;
            for (int n = 0; n < batch; n++)
            {
                int label = labels[n];
                if ((uint)label >= (uint)classes)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), label, $"Label of sample {n} is outside [0, {classes}).");
                }

                ReadOnlySpan<float> row = logits.Slice(n * classes, classes);
                float max = TensorPrimitives.Max(row);
                double sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    sum += Math.Exp(row[c] - max);
                }

                double logSumExp = max + Math.Log(sum);
                total += logSumExp - row[label];
                if (!gradLogits.IsEmpty)
                {
                    Span<float> g = gradLogits.Slice(n * classes, classes);
                    for (int c = 0; c < classes; c++)
                    {
                        g[c] = (float)Math.Exp(row[c] - logSumExp) * invBatch;
                    }

                    g[label] -= invBatch;
                }
            }

            return batch == 0 ? 0f : (float)(total / batch);
        }

        private static void Check(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int batch, int channels, int spatial)
        {
            if (batch < 0 || channels <= 0 || spatial <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(channels), "Softmax sizes must be positive.");
            }

            ConvPlan.CheckLength(a, (long)batch * channels * spatial, "input");
            ConvPlan.CheckLength(b, (long)batch * channels * spatial, "output");
        }

        private static void Run(ref Job job, int batch)
        {
            long work = (long)batch * job.Channels * job.Spatial;
            int tasks = CpuWorkerPool.AvailableThreads > 1 && work >= 1 << 15 ? Math.Min(batch, CpuWorkerPool.AvailableThreads * 4) : 1;
            job.Batch = batch;
            job.PerTask = batch == 0 ? 1 : (batch + tasks - 1) / tasks;
            CpuWorkerPool.Current.Run(ref job, (batch + job.PerTask - 1) / job.PerTask);
        }

        private struct Job : IParallelJob
        {
            public int Kind;
            public float* X;
            public float* Y;
            public float* Dx;
            public int Batch;
            public int Channels;
            public int Spatial;
            public int PerTask;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int n1 = Math.Min(Batch, (task + 1) * PerTask);
                long sample = (long)Channels * Spatial;
                for (int n = task * PerTask; n < n1; n++)
                {
                    if (Kind == 0)
                    {
                        ForwardSample(X + (n * sample), Y + (n * sample));
                    }
                    else
                    {
                        BackwardSample(Y + (n * sample), X + (n * sample), Dx + (n * sample));
                    }
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private readonly void ForwardSample(float* x, float* y)
            {
                if (Spatial == 1)
                {
                    var xs = new ReadOnlySpan<float>(x, Channels);
                    var ys = new Span<float>(y, Channels);
                    float max = TensorPrimitives.Max(xs);
                    TensorPrimitives.Subtract(xs, max, ys);
                    TensorPrimitives.Exp(ys, ys);
                    TensorPrimitives.Multiply(ys, 1f / TensorPrimitives.Sum(ys), ys);
                    return;
                }

                // Channels are strided by Spatial: vectorise across 8 spatial positions at a time.
                int s = Spatial;
                int j = 0;
                for (; j <= s - 8; j += 8)
                {
                    Vector256<float> max = Vector256.Load(x + j);
                    for (int c = 1; c < Channels; c++)
                    {
                        max = Vector256.Max(max, Vector256.Load(x + ((long)c * s) + j));
                    }

                    Vector256<float> sum = Vector256<float>.Zero;
                    for (int c = 0; c < Channels; c++)
                    {
                        Vector256<float> e = Vector256.Exp(Vector256.Load(x + ((long)c * s) + j) - max);
                        e.Store(y + ((long)c * s) + j);
                        sum += e;
                    }

                    Vector256<float> inv = Vector256<float>.One / sum;
                    for (int c = 0; c < Channels; c++)
                    {
                        (Vector256.Load(y + ((long)c * s) + j) * inv).Store(y + ((long)c * s) + j);
                    }
                }

                for (; j < s; j++)
                {
                    float max = x[j];
                    for (int c = 1; c < Channels; c++)
                    {
                        max = MathF.Max(max, x[((long)c * s) + j]);
                    }

                    float sum = 0f;
                    for (int c = 0; c < Channels; c++)
                    {
                        float e = MathF.Exp(x[((long)c * s) + j] - max);
                        y[((long)c * s) + j] = e;
                        sum += e;
                    }

                    float inv = 1f / sum;
                    for (int c = 0; c < Channels; c++)
                    {
                        y[((long)c * s) + j] *= inv;
                    }
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private readonly void BackwardSample(float* y, float* dy, float* dx)
            {
                int s = Spatial;
                if (s == 1)
                {
                    var ys = new ReadOnlySpan<float>(y, Channels);
                    float dot = TensorPrimitives.Dot(ys, new ReadOnlySpan<float>(dy, Channels));
                    var dxs = new Span<float>(dx, Channels);
                    TensorPrimitives.Subtract(new ReadOnlySpan<float>(dy, Channels), dot, dxs);
                    TensorPrimitives.Multiply(dxs, ys, dxs);
                    return;
                }

                for (int j = 0; j < s; j++)
                {
                    float dot = 0f;
                    for (int c = 0; c < Channels; c++)
                    {
                        dot += y[((long)c * s) + j] * dy[((long)c * s) + j];
                    }

                    for (int c = 0; c < Channels; c++)
                    {
                        long i = ((long)c * s) + j;
                        dx[i] = y[i] * (dy[i] - dot);
                    }
                }
            }
        }
    }
}
