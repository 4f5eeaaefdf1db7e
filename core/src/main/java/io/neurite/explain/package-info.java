/**
 * Seeing inside a model, as the Keras tutorials debug a CNN: {@link io.neurite.explain.Saliency}
 * (gradients, gradient x input, SmoothGrad), {@link io.neurite.explain.Occlusion},
 * {@link io.neurite.explain.GradCam}, {@link io.neurite.explain.Activations} (a layer's output,
 * a convolution's kernels), {@link io.neurite.explain.Maximize} (activation maximisation) and
 * {@link io.neurite.explain.Confusion}. Inputs are samples on the host, NCHW floats one after
 * another; results are {@link io.neurite.explain.Maps} on the host. Every method runs on the
 * model's device, in inference mode (no dropout, moving batch statistics); those that
 * differentiate clear the weights' gradients ({@code zeroGrad}), so call them between training
 * steps, not inside one.
 */
package io.neurite.explain;
